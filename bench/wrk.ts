import { spawn } from 'node:child_process';

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  timeouts: number;
  errors: number;
  non2xx: number;
}

/**
 * Runs wrk (Debian's `wrk` package: a C load tool, so the load costs little CPU next to what it
 * measures) with keep-alive connections and returns its figures.
 */
export async function wrk(
  url: string,
  options: { connections: number; seconds: number; threads?: number; token?: string },
): Promise<WrkResult> {
  const args = [
    `-t${options.threads ?? 2}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--latency',
    '--timeout',
    '2s',
    ...(options.token ? ['-H', `Authorization: Bearer ${options.token}`] : []),
    url,
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`)),
    );
  });
  return parseWrk(output);
}

export function parseWrk(output: string): WrkResult {
  const number = (pattern: RegExp): number => Number(pattern.exec(output)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  return {
    requestsPerSecond: Math.round(number(/Requests\/sec:\s+([\d.]+)/)),
    requests: number(/(\d+) requests in/),
    p50Ms: duration(/^\s+50%\s+([\d.]+\w+)/m.exec(output)?.[1]),
    p99Ms: duration(/^\s+99%\s+([\d.]+\w+)/m.exec(output)?.[1]),
    maxMs: duration(/Latency\s+\S+\s+\S+\s+([\d.]+\w+)/.exec(output)?.[1]),
    timeouts: Number(errors?.[4] ?? 0),
    errors: Number(errors?.[1] ?? 0) + Number(errors?.[2] ?? 0) + Number(errors?.[3] ?? 0),
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
  };
}

/** "812.00us", "4.20ms", "1.01s", "2.00m" -> milliseconds. */
function duration(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!match) return 0;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
  return Math.round(Number(match[1]) * factor * 100) / 100;
}
