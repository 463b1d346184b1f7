/**
 * Shared pieces of the version-matrix tests: sessions that run a query on a server of any major
 * while pgmon looks, and the test-side version rules they need.
 */
import pg from 'pg';
import { adminQuery } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { eventually } from '../support/timing.js';
import type { MatrixServer } from '../support/targets-info.js';

/** A login of a server: its superuser unless a role is given. */
export interface Login {
  user: string;
  password: string;
}

export function superuser(server: MatrixServer): Login {
  return { user: server.superuser, password: server.superpassword };
}

export function monitorRole(server: MatrixServer): Login {
  return { user: server.monitorUser, password: server.monitorPassword };
}

export function actionsRole(server: MatrixServer): Login {
  return { user: server.actionsUser, password: server.actionsPassword };
}

/** A connected client of `server`; the caller ends it. */
export async function connect(
  server: MatrixServer,
  login: Login,
  applicationName = 'pgmon-test-matrix',
): Promise<pg.Client> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: login.user,
    password: login.password,
    database: 'postgres',
    application_name: applicationName,
    connectionTimeoutMillis: 15_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/**
 * The setting that makes every parallel-safe query run in a parallel worker: renamed
 * debug_parallel_query in PostgreSQL 16.
 */
export function forceParallelSetting(major: number): string {
  return major >= 16 ? 'debug_parallel_query' : 'force_parallel_mode';
}

export interface Sleeper {
  pid: number;
  sql: string;
  applicationName: string;
  /** The query's outcome: its error (a cancel, 57014) or undefined once it returned. */
  done: Promise<Error | undefined>;
  /** Cancels the query if it still runs and closes the session. */
  stop(): Promise<void>;
}

/**
 * A session of `login` running `select pg_sleep(seconds)`, in a parallel worker when `parallel`
 * (then pg_stat_activity shows a worker whose leader_pid is this session's pid). Resolves once
 * the query runs.
 */
export async function startSleeper(
  server: MatrixServer,
  login: Login,
  { seconds, parallel = false }: { seconds: number; parallel?: boolean },
): Promise<Sleeper> {
  const applicationName = uniqueName('pgmon-test-sleeper');
  const client = await connect(server, login, applicationName);
  const pidRow = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const pid = pidRow.rows[0]?.pid ?? -1;
  if (parallel) await client.query(`set ${forceParallelSetting(server.major)} = on`);
  const sql = `select pg_sleep(${seconds})`;
  const done = client.query(sql).then(
    () => undefined,
    (error: Error) => error,
  );
  await eventually(
    () =>
      adminQuery(
        server,
        'select 1 from pg_stat_activity where pid = $1 and state = $2 and query = $3',
        [pid, 'active', sql],
      ),
    (result) => result.rowCount === 1,
    10_000,
    `${sql} runs`,
    25,
  );
  return {
    pid,
    sql,
    applicationName,
    done,
    async stop() {
      await adminQuery(server, 'select pg_cancel_backend($1)', [pid]).catch(() => undefined);
      await done;
      await client.end().catch(() => undefined);
    },
  };
}
