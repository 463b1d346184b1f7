/**
 * Helpers for tests that use the PostgreSQL test clusters (see targets-info.ts).
 *
 * - stopCluster / startCluster: stop or start a cluster (meant for the `volatile` one);
 *   both are no-ops when the cluster is already in the wanted state.
 * - adminQuery: one query as the superuser on a short-lived connection.
 * - createDatabase: a fresh, uniquely named database (drop() it when done).
 * - createTestRoles: the roles and database every server of the tests has.
 * All but stop/start take any server of the tests, the version matrix's containers too.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, type QueryResult, type QueryResultRow } from 'pg';
import { exec, tailFile } from './proc.js';
import type { PgServer, PgTarget } from './targets-info.js';

/** The server log of a cluster (pg_ctl -l). */
export function clusterLogFile(t: Pick<PgTarget, 'socketDir'>): string {
  return path.join(t.socketDir, 'postgres.log');
}

type ClusterRef = Pick<PgTarget, 'binDir' | 'dataDir' | 'socketDir' | 'runAs' | 'name'>;

/** True when the postmaster of this data directory is running (pg_ctl status). */
export async function isClusterRunning(t: ClusterRef): Promise<boolean> {
  const res = await exec(path.join(t.binDir, 'pg_ctl'), ['status', '-D', t.dataDir], {
    runAs: t.runAs,
    cwd: t.socketDir,
    allowFailure: true,
    timeoutMs: 30_000,
  });
  // 0: running, 3: not running, 4: no accessible data directory.
  if (res.code === 0) return true;
  if (res.code === 3 || res.code === 4) return false;
  throw new Error(`pg_ctl status for cluster ${t.name} failed (${res.code}): ${res.stderr}`);
}

/**
 * Stop a cluster (`pg_ctl -w stop -m fast` by default) and wait until it is down. Safe to call
 * when it is already stopped.
 */
export async function stopCluster(
  t: ClusterRef,
  mode: 'smart' | 'fast' | 'immediate' = 'fast',
): Promise<void> {
  if (!(await isClusterRunning(t))) return;
  const res = await exec(
    path.join(t.binDir, 'pg_ctl'),
    ['-w', '-t', '60', '-D', t.dataDir, 'stop', '-m', mode],
    { runAs: t.runAs, cwd: t.socketDir, allowFailure: true, timeoutMs: 90_000 },
  );
  if (res.code !== 0 && (await isClusterRunning(t))) {
    throw new Error(
      `could not stop cluster ${t.name}: ${res.stderr.trim()}\n--- ${clusterLogFile(t)} (tail)\n` +
        (await tailFile(clusterLogFile(t))),
    );
  }
}

/**
 * Start a cluster (`pg_ctl -w start`) and wait until it accepts connections. Safe to call when
 * it is already running. postgres is started in its own session, so that a Ctrl-C in the
 * terminal does not reach it (the runner's teardown stops it).
 */
export async function startCluster(t: ClusterRef): Promise<void> {
  if (await isClusterRunning(t)) return;
  const res = await exec(
    path.join(t.binDir, 'pg_ctl'),
    ['-w', '-t', '60', '-D', t.dataDir, '-l', clusterLogFile(t), 'start'],
    { runAs: t.runAs, cwd: t.socketDir, detached: true, allowFailure: true, timeoutMs: 90_000 },
  );
  if (res.code !== 0) {
    throw new Error(
      `could not start cluster ${t.name}: pg_ctl exited with status ${res.code}: ` +
        `${(res.stderr || res.stdout).trim()}\n--- ${clusterLogFile(t)} (tail)\n` +
        (await tailFile(clusterLogFile(t))),
    );
  }
}

/** A connected client as the superuser; the caller must end() it. */
export async function superuserClient(t: PgServer, database = 'postgres'): Promise<Client> {
  const client = new Client({
    host: t.host,
    port: t.port,
    user: t.superuser,
    password: t.superpassword,
    database,
    connectionTimeoutMillis: 15_000,
    application_name: 'pgmon-test-admin',
  });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

/** The roles every server of the tests has (host clusters and containers). */
export const TEST_ROLES = { monitor: 'pgmon_monitor', actions: 'pgmon_actions' } as const;

/** Creates the monitoring role (pg_monitor only), the actions role and `appdb`, as superuser. */
export async function createTestRoles(client: Client, server: PgServer): Promise<void> {
  const password = (value: string) => client.escapeLiteral(value);
  await client.query(
    `CREATE ROLE ${server.monitorUser} LOGIN PASSWORD ${password(server.monitorPassword)}`,
  );
  await client.query(`GRANT pg_monitor TO ${server.monitorUser}`);
  await client.query(
    `CREATE ROLE ${server.actionsUser} LOGIN PASSWORD ${password(server.actionsPassword)}`,
  );
  await client.query(`GRANT pg_monitor, pg_signal_backend TO ${server.actionsUser}`);
  await client.query('CREATE DATABASE appdb OWNER postgres');
}

/** Run one statement as the superuser on a short-lived connection. */
export async function adminQuery<R extends QueryResultRow = QueryResultRow>(
  t: PgServer,
  sql: string,
  params?: unknown[],
  database = 'postgres',
): Promise<QueryResult<R>> {
  const client = await superuserClient(t, database);
  try {
    return await client.query<R>(sql, params);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<name> */
  url: string;
  /** Drops the database, terminating its connections first. Idempotent. */
  drop(): Promise<void>;
}

/** Connection URL for `database` on cluster `t` as the superuser. */
export function superuserUrl(t: PgServer, database: string): string {
  return (
    `postgresql://${encodeURIComponent(t.superuser)}:${encodeURIComponent(t.superpassword)}` +
    `@${t.host}:${t.port}/${encodeURIComponent(database)}`
  );
}

/**
 * Create a database with a unique name `<prefix>_<random>` (prefix lower-cased, reduced to
 * [a-z0-9_]), owned by the superuser.
 */
export async function createDatabase(t: PgServer, prefix: string): Promise<TestDatabase> {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .slice(0, 40) || 'db';
  const name = `${clean}_${randomBytes(6).toString('hex')}`;
  await adminQuery(t, `CREATE DATABASE "${name}"`);
  let dropped = false;
  return {
    name,
    url: superuserUrl(t, name),
    async drop() {
      if (dropped) return;
      await adminQuery(t, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      dropped = true;
    },
  };
}
