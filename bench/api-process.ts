import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchOnce } from './measure.js';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';
const BENCH_SECRET_KEY = randomBytes(32).toString('base64url');
const BENCH_ENCRYPTION_KEY = randomBytes(32).toString('base64url');

export interface ApiProcess {
  url: string;
  token: string;
  /** GET/POST with the admin token; throws on a non-2xx answer. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  dataDir: string;
  /** CPU time (user + system) the pgmon process has used so far, in ms (Linux /proc). */
  cpuMs(): number;
  /** Resident memory of the pgmon process now, in MB (Linux /proc). */
  rssMb(): number;
  /** SIGTERM, wait for exit; the data dir is kept for a restart (see removeDataDir). */
  stop(): Promise<void>;
  removeDataDir(): void;
}

/** Starts the production entry point (dist/apps/api/src/main.js) as a child process. */
export async function startApiProcess(
  env: Record<string, string>,
  port: number,
  dataDir = mkdtempSync(join(tmpdir(), 'pgmon-bench-')),
  output: 'inherit' | 'ignore' = 'inherit',
): Promise<ApiProcess> {
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the API under the benchmark.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'dist/apps/api/src/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      SECRET_KEY: BENCH_SECRET_KEY,
      ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
      ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'WARNING',
      ...env,
    },
    stdio: ['ignore', output, 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  const token = await login(url);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetchOnce(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url,
    token,
    call,
    dataDir,
    cpuMs: () => processCpuMs(child.pid ?? 0),
    rssMb: () => processRssMb(child.pid ?? 0),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
    removeDataDir() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of a process from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS of a process from /proc/<pid>/status, in MB. */
function processRssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0) / 1024;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`pgmon exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('pgmon did not become healthy within 20 s');
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
