/**
 * Shared pieces of the query-insight tests: the response shapes of the routes, a client for
 * them, the collector tasks run on demand, and workloads counted exactly on real databases.
 */
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { SessionSampleTask, StatementsSnapshotTask } from '#insight';
import { ServersService, type ServerRecord } from '#servers';
import { HistoryClient } from '../history/helpers.js';
import { uniqueName } from '../support/names.js';
import type { PgServer } from '../support/targets-info.js';

// ---------------------------------------------------------------------------------------------
// response shapes (as the contract documents them)

export interface Totals {
  calls: number;
  total_exec_time_ms: number;
  total_plan_time_ms: number;
  rows: number;
  shared_blks_hit: number;
  shared_blks_read: number;
  temp_blks_written: number;
  blk_read_time_ms: number;
  wal_bytes: number;
}

export interface QueryEntry extends Totals {
  queryid: string;
  database: string | null;
  user: string | null;
  toplevel: boolean | null;
  query: string | null;
  query_truncated: boolean;
  mean_exec_time_ms: number;
  share_of_total_time: number;
}

export interface QueriesAnswer {
  server: string;
  available: boolean;
  reason?: string;
  hint?: string;
  aggregation: string;
  start_date: string;
  end_date: string;
  totals: Totals;
  queries: QueryEntry[];
}

export interface StatementAnswer {
  server: string;
  queryid: string;
  query: string | null;
  aggregation: string;
  series: { database: string | null; user: string | null; toplevel: boolean | null }[];
  totals: Totals;
  timeline: {
    ts: string;
    calls: number;
    total_exec_time_ms: number;
    mean_exec_time_ms: number;
    rows: number;
  }[];
}

export interface ActivityHistoryAnswer {
  server: string;
  sample_interval_s: number;
  aggregation: string;
  group_by: string;
  samples: number;
  buckets: { ts: string; groups: Record<string, number> }[];
  totals: { key: string; samples: number; avg_active_sessions: number; query?: string }[];
}

export interface SampledSession {
  pid: number;
  backend_start: string;
  usename: string | null;
  datname: string | null;
  application_name: string;
  state: string;
  wait_event_type: string | null;
  wait_event: string | null;
  query_id: string | null;
  query: string | null;
  query_start: string | null;
  xact_start: string | null;
  backend_type: string | null;
  blocked_by: number[];
}

export interface ActivityAtAnswer {
  server: string;
  sampled_at: string;
  sessions_seen: number;
  sessions: SampledSession[];
}

// ---------------------------------------------------------------------------------------------
// the routes and the tasks

type Query = Record<string, string>;

/**
 * The query-insight routes of one app, as one user, and its collector tasks run on demand
 * (the servers routes and the token come from the history tests' client).
 */
export class InsightClient extends HistoryClient {
  server(name: string): Promise<ServerRecord> {
    return this.api.app.get(ServersService).get(name);
  }

  /** One statements snapshot now, as the collector takes it; throws when it fails. */
  async snapshot(name: string): Promise<void> {
    await this.api.app.get(StatementsSnapshotTask).run(await this.server(name));
  }

  /** One session sample now. */
  async sample(name: string): Promise<void> {
    await this.api.app.get(SessionSampleTask).run(await this.server(name));
  }

  get(path: string, query: Query = {}): Promise<Response> {
    return this.api.http.get(path).query(query).set(this.auth);
  }

  async queries(name: string, query: Query = {}): Promise<QueriesAnswer> {
    const response = await this.get(`/server/${encodeURIComponent(name)}/queries`, query);
    assert.equal(response.status, 200, response.text);
    return response.body as QueriesAnswer;
  }

  async statement(name: string, queryid: string, query: Query = {}): Promise<StatementAnswer> {
    const response = await this.get(
      `/server/${encodeURIComponent(name)}/queries/${queryid}`,
      query,
    );
    assert.equal(response.status, 200, response.text);
    return response.body as StatementAnswer;
  }

  async activityHistory(name: string, query: Query = {}): Promise<ActivityHistoryAnswer> {
    const response = await this.get(`/server/${encodeURIComponent(name)}/activity/history`, query);
    assert.equal(response.status, 200, response.text);
    return response.body as ActivityHistoryAnswer;
  }

  async activityAt(name: string, ts: string): Promise<ActivityAtAnswer> {
    const response = await this.get(`/server/${encodeURIComponent(name)}/activity/at`, { ts });
    assert.equal(response.status, 200, response.text);
    return response.body as ActivityAtAnswer;
  }
}

/** start_date/end_date around `from` (epoch ms) and now, a minute of margin each side. */
export function since(from: number): Query {
  return {
    start_date: new Date(from - 60_000).toISOString(),
    end_date: new Date(Date.now() + 60_000).toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// real databases

/** A superuser connection to `database` with a unique application name; end() it. */
export async function connect(
  cluster: PgServer,
  database: string,
  prefix = 'insight-test',
): Promise<Client> {
  const client = new Client({
    host: cluster.host,
    port: cluster.port,
    user: cluster.superuser,
    password: cluster.superpassword,
    database,
    connectionTimeoutMillis: 15_000,
    application_name: uniqueName(prefix),
  });
  await client.connect();
  return client;
}

/** Runs `text` exactly `times` times (extended protocol: one pg_stat_statements call each). */
export async function repeat(
  cluster: PgServer,
  database: string,
  text: string,
  times: number,
  values: unknown[] = [],
): Promise<void> {
  const client = await connect(cluster, database);
  try {
    for (let i = 0; i < times; i++) await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** The entries of one statement text in an answer (its texts are stored once seen in a top). */
export function entriesOf(answer: QueriesAnswer, text: string): QueryEntry[] {
  return answer.queries.filter((entry) => entry.query === text);
}
