import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestTargets } from '../test/support/targets-info.js';
import { startApiProcess, type ApiProcess } from './api-process.js';
import { Registry } from 'prom-client';
import { HttpMetrics, requestIdFrom } from '#http';
import { round } from './measure.js';
import { wrk, type WrkResult } from './wrk.js';

const CLIENTS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);

interface Pair {
  pgmon: WrkResult;
  bare: WrkResult;
  /** pgmon's requests/s as a share of the bare server's, same bytes, same run. */
  ratio: number;
}

/**
 * Issue 9's figures: cached GET /servers (3 and 20 servers) and GET /api/health under 100
 * keep-alive clients (wrk -t2), each next to a bare node:http server returning the same bytes,
 * with pgmon as it runs by default (INFO access log, request ids, metrics, collector on).
 */
export async function hotpathBench(targets: TestTargets, port: number): Promise<unknown> {
  const api = await startApiProcess({ LOG_LEVEL: 'INFO' }, port, undefined, 'ignore');
  try {
    const idleRss = await idleRssMb(api);
    await registerServers(api, targets, 3);
    const servers3 = await pair(api, '/servers', port + 1);
    const health = await pair(api, '/api/health', port + 1);
    await registerServers(api, targets, 20);
    const servers20 = await pair(api, '/servers', port + 1);
    const rssAfterMb = round(api.rssMb(), 1);
    const costs = await stepCosts(port + 2);
    return {
      clients: CLIENTS,
      seconds: SECONDS,
      idle_rss_mb: idleRss,
      get_servers_3: servers3,
      get_servers_20: servers20,
      get_api_health: health,
      rss_after_mb: rssAfterMb,
      costs,
    };
  } finally {
    await api.stop();
    api.removeDataDir();
  }
}

/**
 * What the access log, request ids and metrics cost, each with the others on: GET /api/health
 * on two fresh APIs alike but for the access log (LOG_LEVEL INFO vs WARNING, no servers, so no
 * collector work on either), back to back, twice, as the share of throughput the log takes;
 * and the CPU of one request id and one histogram observation, in-process.
 */
async function stepCosts(port: number): Promise<Record<string, number>> {
  const withLog = await startApiProcess({ LOG_LEVEL: 'INFO' }, port, undefined, 'ignore');
  const withoutLog = await startApiProcess({ LOG_LEVEL: 'WARNING' }, port + 1, undefined, 'ignore');
  try {
    const rate = async (api: ApiProcess): Promise<number> => {
      const url = `${api.url}/api/health`;
      await wrk(url, { connections: CLIENTS, seconds: 3 });
      return (await wrk(url, { connections: CLIENTS, seconds: 10 })).requestsPerSecond;
    };
    let on = 0;
    let off = 0;
    for (let round = 0; round < 2; round++) {
      on += await rate(withLog);
      off += await rate(withoutLog);
    }
    const metrics = new HttpMetrics(new Registry());
    return {
      health_requests_per_second_access_log_on: Math.round(on / 2),
      health_requests_per_second_access_log_off: Math.round(off / 2),
      access_log_share_of_throughput: round(1 - on / Math.max(1, off), 3),
      request_id_us: microseconds(() => requestIdFrom(undefined)),
      metrics_observation_us: microseconds(() => metrics.observe('GET', '/servers', 200, 0.004)),
    };
  } finally {
    for (const api of [withLog, withoutLog]) {
      await api.stop();
      api.removeDataDir();
    }
  }
}

/** Mean CPU time of one call, in microseconds, after a warm-up. */
function microseconds(step: () => unknown, calls = 200_000): number {
  for (let i = 0; i < calls / 10; i++) step();
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) step();
  const used = process.cpuUsage(started);
  return round((used.user + used.system) / calls, 3);
}

/**
 * Ten minutes of 100 clients on GET /servers with 20 servers; RSS each minute (issue 9's goal:
 * below 250 MB and not growing between minute 5 and minute 10).
 */
export async function soakBench(targets: TestTargets, port: number): Promise<unknown> {
  const api = await startApiProcess({ LOG_LEVEL: 'INFO' }, port, undefined, 'ignore');
  try {
    await registerServers(api, targets, 20);
    const minutes = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
    const rss: number[] = [];
    const loads: WrkResult[] = [];
    for (let minute = 1; minute <= minutes; minute++) {
      loads.push(
        await wrk(`${api.url}/servers`, { connections: CLIENTS, seconds: 60, token: api.token }),
      );
      rss.push(round(api.rssMb(), 1));
    }
    return {
      rss_mb_by_minute: rss,
      requests_per_second_by_minute: loads.map((l) => l.requestsPerSecond),
      p99_ms_by_minute: loads.map((l) => l.p99Ms),
      timeouts: loads.reduce((sum, l) => sum + l.timeouts, 0),
      errors: loads.reduce((sum, l) => sum + l.errors + l.non2xx, 0),
    };
  } finally {
    await api.stop();
    api.removeDataDir();
  }
}

/** wrk on pgmon's path, then on a bare server answering pgmon's bytes for that path. */
async function pair(api: ApiProcess, path: string, barePort: number): Promise<Pair> {
  // Warm, with the same load: caches filled, code optimised, the heap grown to its working size.
  await wrk(`${api.url}${path}`, { connections: CLIENTS, seconds: 5, token: api.token });
  const pgmon = await wrk(`${api.url}${path}`, {
    connections: CLIENTS,
    seconds: SECONDS,
    token: api.token,
  });
  const body = await (
    await fetch(`${api.url}${path}`, { headers: { Authorization: `Bearer ${api.token}` } })
  ).arrayBuffer();
  const bare = await withBareServer(Buffer.from(body), barePort, async (url) => {
    await wrk(url, { connections: CLIENTS, seconds: 5 });
    return wrk(url, { connections: CLIENTS, seconds: SECONDS });
  });
  return {
    pgmon,
    bare,
    ratio: round(pgmon.requestsPerSecond / Math.max(1, bare.requestsPerSecond), 3),
  };
}

async function withBareServer<T>(
  body: Buffer,
  port: number,
  work: (url: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pgmon-bare-'));
  const file = join(dir, 'body.json');
  writeFileSync(file, body);
  const child = fork(join(import.meta.dirname, 'bare-server.js'), [String(port), file], {
    stdio: 'ignore',
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`bare server exited ${code}`)));
    });
    return await work(`http://127.0.0.1:${port}/`);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * RSS of the idle API after its start (one login), at 5 s and after a minute: V8 keeps the
 * young generation it grew while starting (about 32 MB) until its memory reducer runs, about
 * 45 s later, and the hashing thread of the login stops 10 s after it.
 */
async function idleRssMb(api: ApiProcess): Promise<{ at_5s: number; at_60s: number }> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await sleep(5000);
  const at5s = round(api.rssMb(), 1);
  await sleep(55_000);
  return { at_5s: at5s, at_60s: round(api.rssMb(), 1) };
}

async function registerServers(
  api: ApiProcess,
  targets: TestTargets,
  total: number,
): Promise<void> {
  const existing = await api.call<{ name: string }[]>('GET', '/servers');
  const clusters = [targets.pg.main, targets.pg.stats, targets.pg.primary];
  for (let i = existing.length; i < total; i++) {
    const cluster = clusters[i % clusters.length] ?? targets.pg.main;
    await api.call('POST', '/servers', {
      name: `hot-${String(i).padStart(2, '0')}`,
      host: '127.0.0.1',
      port: cluster.port,
      user: cluster.monitorUser,
      password: cluster.monitorPassword,
      ...(i % 2 === 1 && {
        ssh_user: targets.ssh.keyUser.login,
        ssh_port: targets.ssh.port,
        ssh_private_key: targets.ssh.keyUser.privateKey,
      }),
    });
  }
}
