import pg from 'pg';
import { adminQuery, createDatabase } from '../test/support/clusters.js';
import type { TestTargets } from '../test/support/targets-info.js';
import { startApiProcess } from './api-process.js';
import { sequential } from './measure.js';

const BLOCKED = 50;
const REQUESTS = 200;

/**
 * Issue 11's figure: GET /server/{name}/locks p50 with 50 sessions blocked behind one (all
 * updating the row an idle transaction holds: one waits for its transaction, the others queue
 * for the row's tuple lock, so pg_blocking_pids names several blockers for most of them).
 */
export async function locksBench(
  targets: TestTargets,
  port: number,
): Promise<Record<string, unknown>> {
  const cluster = targets.pg.main;
  const database = await createDatabase(cluster, 'bench_locks');
  const sessions: pg.Client[] = [];
  const api = await startApiProcess({ COLLECTOR_ENABLED: 'false' }, port);
  try {
    await adminQuery(cluster, 'create table hot (id int primary key, v int)', [], database.name);
    await adminQuery(cluster, 'insert into hot values (1, 0)', [], database.name);
    for (let n = 0; n <= BLOCKED; n++) sessions.push(await connect(cluster, database.name));
    const [root, ...waiters] = sessions;
    await root?.query('begin');
    await root?.query('update hot set v = v + 1 where id = 1');
    for (const waiter of waiters)
      void waiter.query('update hot set v = v + 1 where id = 1').catch(() => undefined);
    await api.call('POST', '/servers', {
      name: 'locks',
      host: '127.0.0.1',
      port: cluster.port,
      user: cluster.monitorUser,
      password: cluster.monitorPassword,
    });
    const tree = await waitForBlocked(api.call.bind(api));
    const cpuBefore = api.cpuMs();
    const timing = await sequential(`${api.url}/server/locks/locks`, api.token, REQUESTS);
    return {
      blocked_sessions: tree.blocked_sessions,
      root_blockers: tree.root_blockers,
      get_locks_ms: timing,
      pgmon_cpu_ms_per_request: Math.round(((api.cpuMs() - cpuBefore) / REQUESTS) * 100) / 100,
    };
  } finally {
    await Promise.all(sessions.map((session) => session.end().catch(() => undefined)));
    await api.stop();
    api.removeDataDir();
    await database.drop();
  }
}

async function connect(cluster: TestTargets['pg']['main'], database: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: cluster.host,
    port: cluster.port,
    user: cluster.superuser,
    password: cluster.superpassword,
    database,
    application_name: 'bench-locks',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

interface TreeSummary {
  blocked_sessions: number;
  root_blockers: number;
}

async function waitForBlocked(
  call: <T>(method: string, path: string) => Promise<T>,
): Promise<TreeSummary> {
  for (let i = 0; i < 100; i++) {
    const tree = await call<TreeSummary>('GET', '/server/locks/locks');
    if (tree.blocked_sessions >= BLOCKED) return tree;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${BLOCKED} sessions did not all block within 10 s`);
}
