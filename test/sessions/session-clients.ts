/**
 * Real client sessions for the locks, actions and checks tests: roles of their own on a shared
 * server of any major, connections as those roles, and the backend_start PostgreSQL keeps for a pid.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminQuery } from '../support/clusters.js';
import type { PgServer } from '../support/targets-info.js';

export interface TestRole {
  name: string;
  password: string;
  /** Terminates the role's sessions and drops it (and what it owns). */
  drop(): Promise<void>;
}

/** A LOGIN role `<prefix>_<random>` with the given roles granted (pg_monitor, pg_signal_backend...). */
export async function createRole(
  cluster: PgServer,
  prefix: string,
  grants: string[] = [],
): Promise<TestRole> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  await adminQuery(cluster, `create role ${name} login password '${password}'`);
  for (const grant of grants) await adminQuery(cluster, `grant ${grant} to ${name}`);
  return {
    name,
    password,
    async drop() {
      await adminQuery(
        cluster,
        `select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`,
        [name],
      );
      await adminQuery(cluster, `drop role if exists ${name}`);
    },
  };
}

/** A connected client as `role` on `database`; errors of a session ended under it are ignored. */
export async function connectAs(
  cluster: PgServer,
  role: { name: string; password: string },
  database: string,
  applicationName = 'pgmon-test-session',
): Promise<pg.Client> {
  const client = new pg.Client({
    host: cluster.host,
    port: cluster.port,
    user: role.name,
    password: role.password,
    database,
    application_name: applicationName,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The pid of a connected client. */
export async function pidOf(client: pg.Client): Promise<number> {
  return (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? 0;
}

/** backend_start of a pid as pgmon gives it (ISO 8601, UTC, microseconds), read as superuser. */
export async function backendStartOf(cluster: PgServer, pid: number): Promise<string> {
  const result = await adminQuery<{ started: string }>(
    cluster,
    `select to_char(backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as started
       from pg_stat_activity where pid = $1`,
    [pid],
  );
  const started = result.rows[0]?.started;
  if (!started) throw new Error(`no session with pid ${pid}`);
  return started;
}

/** Ends clients without waiting on a session the server already closed. */
export async function endAll(clients: pg.Client[]): Promise<void> {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
}
