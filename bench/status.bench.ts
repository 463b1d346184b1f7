import type { TestTargets } from '../test/support/targets-info.js';
import { adminQuery } from '../test/support/clusters.js';
import { startApiProcess, type ApiProcess } from './api-process.js';
import { load, round, sequential } from './measure.js';

const SERVER_COUNT = 20;
const POOL_ENV = { POOL_CLOSE_AFTER: '5', POOL_IDLE_TIMEOUT: '2' };

interface PoolStatus {
  peak: number;
  maxconn: number;
  total: number;
}

/**
 * Issue 3's figures: cached GET /servers under load, uncached GET /server_stats with and
 * without pooling, a cold GET /servers with one silent server, and connections held.
 */
export async function statusBench(
  targets: TestTargets,
  port: number,
): Promise<Record<string, unknown>> {
  const setup = await startApiProcess(POOL_ENV, port);
  await registerServers(setup, targets);
  await setup.stop();

  // A fresh process on the same store: no status, SSH or pool is warm.
  const api = await startApiProcess(POOL_ENV, port, setup.dataDir);
  try {
    const started = Date.now();
    const cold = await api.call<{ status: string }[]>('GET', '/servers');
    const coldMs = Date.now() - started;
    const silentStatus = cold.find((entry) => entry.status.includes('timeout'))?.status;

    const watcher = watchConnections(targets);
    const cpuBefore = api.cpuMs();
    const cached = await load(`${api.url}/servers`, api.token, 100, 10);
    const cpuPerRequest = round((api.cpuMs() - cpuBefore) / cached.requests, 3);
    const cachedOneClient = await load(`${api.url}/servers`, api.token, 1, 5);
    const uncachedPooled = await sequential(`${api.url}/server_stats/srv-01`, api.token, 300);
    const maxHeld = await watcher.stop();
    const pools = await api.call<Record<string, PoolStatus>>('GET', '/api/pools/status');
    const drained = await waitForNoConnections(targets, 30_000);
    await api.stop();

    const unpooled = await startApiProcess(
      { ...POOL_ENV, POOL_MAX_USES: '1' },
      port,
      setup.dataDir,
    );
    const uncachedFresh = await sequential(
      `${unpooled.url}/server_stats/srv-01`,
      unpooled.token,
      300,
    );
    await unpooled.stop();

    return {
      servers: SERVER_COUNT,
      cold_get_servers_ms: coldMs,
      silent_server_status: silentStatus,
      cached_get_servers_100_clients: cached,
      cached_get_servers_pgmon_cpu_ms_per_request: cpuPerRequest,
      cached_get_servers_1_client: cachedOneClient,
      server_stats_uncached_pooled_ms: uncachedPooled,
      server_stats_uncached_fresh_connection_ms: uncachedFresh,
      pooled_speedup_p50: round(uncachedFresh.p50 / uncachedPooled.p50, 1),
      max_connections_held_per_cluster: maxHeld,
      max_pool_peak: Math.max(...Object.values(pools).map((pool) => pool.peak)),
      pool_maxconn: Math.max(...Object.values(pools).map((pool) => pool.maxconn)),
      connections_left_after_idle_close: drained.left,
      seconds_until_no_connections_left: drained.seconds,
    };
  } finally {
    await api.stop();
    setup.removeDataDir();
  }
}

async function registerServers(api: ApiProcess, targets: TestTargets): Promise<void> {
  const clusters = [targets.pg.main, targets.pg.stats, targets.pg.volatile];
  for (let i = 1; i < SERVER_COUNT; i++) {
    const cluster = clusters[i % clusters.length] ?? targets.pg.main;
    const withSsh = i % 2 === 1;
    await api.call('POST', '/servers', {
      name: `srv-${String(i).padStart(2, '0')}`,
      host: '127.0.0.1',
      port: cluster.port,
      user: cluster.monitorUser,
      password: cluster.monitorPassword,
      ...(withSsh && {
        ssh_user: targets.ssh.keyUser.login,
        ssh_port: targets.ssh.port,
        ssh_private_key: targets.ssh.keyUser.privateKey,
      }),
    });
  }
  await api.call('POST', '/servers', {
    name: 'srv-silent',
    host: '127.0.0.1',
    port: targets.silentPort,
    user: 'x',
    password: 'y',
  });
}

/** Polls pg_stat_activity of every cluster for pgmon's connections; returns the maxima. */
function watchConnections(targets: TestTargets): { stop(): Promise<Record<string, number>> } {
  const max: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const counts = await countConnections(targets);
      for (const [name, count] of Object.entries(counts))
        max[name] = Math.max(max[name] ?? 0, count);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return max;
    },
  };
}

async function countConnections(targets: TestTargets): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const cluster of [targets.pg.main, targets.pg.stats, targets.pg.volatile]) {
    const result = await adminQuery<{ n: number }>(
      cluster,
      `select count(*)::int as n from pg_stat_activity where application_name = 'pgmon'`,
    );
    counts[cluster.name] = result.rows[0]?.n ?? 0;
  }
  return counts;
}

async function waitForNoConnections(
  targets: TestTargets,
  limitMs: number,
): Promise<{ left: number; seconds: number }> {
  const started = Date.now();
  let left = Infinity;
  while (Date.now() - started < limitMs) {
    left = Object.values(await countConnections(targets)).reduce((a, b) => a + b, 0);
    if (left === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { left, seconds: round((Date.now() - started) / 1000, 1) };
}
