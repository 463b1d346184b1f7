/**
 * Shared pieces of the history tests: the response shapes of the history routes, a client for
 * them (and the servers routes they need), a look into the samples of the store, and
 * transactions counted exactly on a real database. Server bodies, polling, the output capture
 * and the 422 checks are in test/support/.
 */
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { CollectorService } from '#collector';
import { ServersService } from '#servers';
import { StoreService } from '#store';
import { bearer, type TestApi } from '../support/api.js';
import { adminQuery } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { readTargets, type PgServer } from '../support/targets-info.js';

export const targets = readTargets();

// ---------------------------------------------------------------------------------------------
// response shapes (as the contract documents them)

export interface DatabaseRef {
  name: string;
  exists: boolean | null;
  creation_time: string | null;
  first_seen: string | null;
}

export interface ServerPoint {
  ts: string;
  datname: string;
  connections: number;
  size_gb: number | null;
  connections_max: number;
  size_bytes: number | null;
  commits: number;
  rollbacks: number;
}

export interface ServerHistory {
  last_stat_update: string | null;
  total_connections: number;
  total_size_gb: number;
  databases: DatabaseRef[];
  connection_timeline: ServerPoint[];
  aggregation: string;
  source: string;
  start_date: string;
  end_date: string;
}

export interface DatabasePoint {
  ts: string;
  connections: number;
  size_mb: number | null;
  commits: number;
  connections_max: number;
  connections_min: number;
  rollbacks: number;
  blks_read: number;
  blks_hit: number;
  cache_hit_ratio: number | null;
  tup_returned: number;
  tup_fetched: number;
  tup_inserted: number;
  tup_updated: number;
  tup_deleted: number;
  temp_files: number;
  temp_bytes: number;
  deadlocks: number;
  size_bytes: number | null;
  samples: number;
}

export interface DatabaseHistory {
  last_stat_update: string | null;
  total_connections: number;
  total_commits: number;
  total_size_mb: number;
  creation_time: string | null;
  max_connections: number;
  min_connections: number;
  timeline: DatabasePoint[];
  aggregation: string;
  source: string;
  exists: boolean | null;
  start_date: string;
  end_date: string;
}

export interface DatabaseSummary {
  size_mb: number;
  connections: number;
  commits: number;
  last_update: string | null;
  name: string;
  exists: boolean | null;
  creation_time: string | null;
  size_bytes: number | null;
  source: string;
}

export interface CollectorServerStatus {
  server: string;
  healthy: boolean;
  last_success_at: string | null;
  last_attempt_at: string | null;
  next_due_at: string | null;
  sample_lag_ms: number | null;
  last_duration_ms: number | null;
  consecutive_failures: number;
  last_error: { code: string; message: string; at: string | null } | null;
  databases: number | null;
  claimed_by: string | null;
}

export interface CollectorStatus {
  interval_seconds: number;
  retention_days: number;
  collector_in_this_process: boolean;
  servers: CollectorServerStatus[];
}

// ---------------------------------------------------------------------------------------------
// the routes

type Query = Record<string, string>;

/** The history routes (and the servers routes they need) of one app, as one user. */
export class HistoryClient {
  constructor(
    readonly api: TestApi,
    private readonly token: string,
  ) {}

  get auth(): { Authorization: string } {
    return bearer(this.token);
  }

  /** POST /servers that must answer 201. */
  async createServer(body: Record<string, unknown>): Promise<void> {
    const response = await this.api.http.post('/servers').set(this.auth).send(body);
    assert.equal(response.status, 201, response.text);
  }

  /** PUT /servers/{name} that must answer 200. */
  async updateServer(name: string, body: Record<string, unknown>): Promise<void> {
    const response = await this.api.http
      .put(`/servers/${encodeURIComponent(name)}`)
      .set(this.auth)
      .send(body);
    assert.equal(response.status, 200, response.text);
  }

  async serverId(name: string): Promise<number> {
    return (await this.api.app.get(ServersService).get(name)).id;
  }

  /** Samples the server now, as the collector does on its schedule. */
  async collect(name: string, sizes = true): Promise<void> {
    await this.api.app.get(CollectorService).collectNow(await this.serverId(name), sizes);
  }

  serverStatsResponse(name: string, query: Query = {}): Promise<Response> {
    return this.api.http
      .get(`/server/${encodeURIComponent(name)}/stats`)
      .query(query)
      .set(this.auth);
  }

  databaseStatsResponse(name: string, datname: string, query: Query = {}): Promise<Response> {
    return this.api.http
      .get(`/server/${encodeURIComponent(name)}/db/${encodeURIComponent(datname)}/stats`)
      .query(query)
      .set(this.auth);
  }

  databaseSummaryResponse(name: string, datname: string): Promise<Response> {
    return this.api.http
      .get(`/server/${encodeURIComponent(name)}/db/${encodeURIComponent(datname)}`)
      .set(this.auth);
  }

  async serverStats(name: string, query: Query = {}): Promise<ServerHistory> {
    const response = await this.serverStatsResponse(name, query);
    assert.equal(response.status, 200, response.text);
    return response.body as ServerHistory;
  }

  async databaseStats(name: string, datname: string, query: Query = {}): Promise<DatabaseHistory> {
    const response = await this.databaseStatsResponse(name, datname, query);
    assert.equal(response.status, 200, response.text);
    return response.body as DatabaseHistory;
  }

  async databaseSummary(name: string, datname: string): Promise<DatabaseSummary> {
    const response = await this.databaseSummaryResponse(name, datname);
    assert.equal(response.status, 200, response.text);
    return response.body as DatabaseSummary;
  }

  async collectorStatus(): Promise<CollectorStatus> {
    const response = await this.api.http.get('/api/collector/status').set(this.auth);
    assert.equal(response.status, 200, response.text);
    return response.body as CollectorStatus;
  }
}

/** start_date/end_date query of a period given in epoch ms. */
export function period(start: number, end: number): Query {
  return { start_date: new Date(start).toISOString(), end_date: new Date(end).toISOString() };
}

// ---------------------------------------------------------------------------------------------
// the store

/** Distinct sample times of every database of a server, per database name. */
export async function sampleTimes(api: TestApi, serverId: number): Promise<Map<string, number[]>> {
  const rows = await api.app
    .get(StoreService)
    .db.selectFrom('db_samples')
    .innerJoin('monitored_databases', 'monitored_databases.id', 'db_samples.database_id')
    .select(['monitored_databases.datname', 'db_samples.ts'])
    .where('monitored_databases.server_id', '=', serverId)
    .orderBy('db_samples.ts')
    .execute();
  const times = new Map<string, number[]>();
  for (const row of rows) {
    const list = times.get(row.datname) ?? [];
    list.push(Number(row.ts));
    times.set(row.datname, list);
  }
  return times;
}

/** The number of distinct sample times (collector rounds) of a server. */
export async function rounds(api: TestApi, serverId: number): Promise<number[]> {
  const times = new Set<number>();
  for (const list of (await sampleTimes(api, serverId)).values())
    for (const ts of list) times.add(ts);
  return [...times].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// real databases

/** pg_stat_database.xact_commit of a database, read from the `postgres` database. */
export async function xactCommit(cluster: PgServer, datname: string): Promise<number> {
  const result = await adminQuery<{ n: string | null }>(
    cluster,
    'select xact_commit::text as n from pg_stat_database where datname = $1',
    [datname],
  );
  return Number(result.rows[0]?.n ?? NaN);
}

/**
 * Runs each statement in autocommit on ONE superuser connection to `database`, closes it, and
 * waits until its backend has exited: a backend flushes its statistics before it disappears
 * from pg_stat_activity, so afterwards pg_stat_database counts every one of its transactions.
 */
export async function runStatements(
  cluster: PgServer,
  database: string,
  statements: string[],
): Promise<void> {
  const applicationName = uniqueName('pgmon-history-test');
  const client = new Client({
    host: cluster.host,
    port: cluster.port,
    user: cluster.superuser,
    password: cluster.superpassword,
    database,
    connectionTimeoutMillis: 15_000,
    application_name: applicationName,
  });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await adminQuery<{ n: string }>(
      cluster,
      'select count(*)::text as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    if (result.rows[0]?.n === '0') break;
    assert.ok(Date.now() < deadline, `the backend of ${applicationName} did not exit`);
    await sleep(50);
  }
}

/** `count` single-row inserts into table `t`, each its own transaction. */
export function inserts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `insert into t (v) values (${index})`);
}

export const CREATE_TABLE = 'create table t (id serial primary key, v integer)';
