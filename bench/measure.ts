import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Responses slower than one second: [ms since the load started, latency ms] (first 10). */
  slow: [number, number][];
}

/** Runs autocannon against one URL and returns the figures the closing notes quote. */
export async function load(
  url: string,
  token: string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const started = Date.now();
  const slow: [number, number][] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: seconds, headers: { Authorization: `Bearer ${token}` } },
      (error, finished) => (error ? reject(asError(error)) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => {
      if (ms > 1000 && slow.length < 10)
        slow.push([Date.now() - started - Math.round(ms), Math.round(ms)]);
    });
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    slow,
  };
}

/** Sequential requests (one at a time), to time uncached work without queueing. */
export async function sequential(
  url: string,
  token: string,
  count: number,
): Promise<{ p50: number; p99: number; mean: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const response = await fetchOnce(url, { headers: { Authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarize(times);
}

export function summarize(times: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    p50: at(0.5),
    p99: at(0.99),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * fetch, retried once when the server closed an idle kept-alive connection just as it was
 * reused (a race of the client, not an answer of the server).
 */
export async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}
