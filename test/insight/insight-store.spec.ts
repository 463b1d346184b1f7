/**
 * The query-insight store on SQLite and on PostgreSQL: the same synthetic readings and session
 * samples, written through the collector tasks' write paths, must read back through the routes
 * as the same answers on both, with exact sums (the top, the "other" row, hourly rollups for
 * whole hours and per-interval rows at the edges), and retention must keep the rollups.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hourOf } from '#history';
import {
  InsightRetentionTask,
  SessionSampleTask,
  StatementsSnapshotTask,
  type ParsedReading,
  type SessionRow,
  type StatementEntry,
} from '#insight';
import { StoreService } from '#store';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { monitorBody } from '../support/server-bodies.js';
import { BACKENDS, type Backend } from '../store/store-harness.js';
import { readTargets } from '../support/targets-info.js';
import { InsightClient, type QueriesAnswer } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.now();
/** Readings every minute for the last five whole hours (the first is a baseline). */
const RECENT_FROM = hourOf(NOW) - 5 * HOUR;
const RECENT_READINGS = 301;
/** An hour and a half of readings three days earlier, with a reset and an eviction. */
const OLD_FROM = RECENT_FROM - 3 * DAY;
const OLD_READINGS = 90;
const STATEMENTS = 12;
const SERVER = 'insight-store';

/** Statement i runs i+1 times a minute, each taking 0.25 + i/100 ms. */
function queryid(i: number): string {
  return String((i % 2 === 0 ? 1n : -1n) * (4_611_686_018_427_387_904n + BigInt(i)));
}

function entry(i: number, runs: number): StatementEntry {
  const calls = (i + 1) * runs;
  const counters = Array.from({ length: 13 }, () => 0);
  counters[0] = calls;
  counters[1] = calls * (0.25 + i / 100);
  counters[3] = calls * 2;
  counters[4] = calls * 3;
  return {
    queryid: queryid(i),
    dbid: i < 8 ? 16384 : 16385,
    userid: i % 3 === 0 ? 10 : 16390,
    toplevel: 1,
    counters,
    statsSince: null,
  };
}

function parsed(
  ts: number,
  generation: number,
  entries: StatementEntry[],
  statsReset: number,
): ParsedReading {
  const names = new Map(
    entries.map((one) => [
      `${one.queryid}/${one.dbid}/${one.userid}/${one.toplevel}`,
      {
        datname: one.dbid === 16384 ? 'app' : 'reporting',
        usename: one.userid === 10 ? 'postgres' : 'app',
      },
    ]),
  );
  return {
    reading: {
      readAt: ts,
      generation,
      level: 10,
      postmasterStart: OLD_FROM - DAY,
      statsReset,
      dealloc: 0,
      resetDuringRead: false,
      entries,
      hiddenOwners: [],
    },
    names,
  };
}

/** Three sessions: one on the CPU, one waiting for the third's row lock. */
function sessions(ts: number): SessionRow[] {
  const base = {
    backend_start_us: (OLD_FROM - HOUR) * 1000 + 123,
    datname: 'app',
    usename: 'app',
    client_addr: '10.0.0.5',
    backend_type: 'client backend',
    query_id: null,
    xact_start_us: (ts - 5000) * 1000 + 7,
    query_start_us: (ts - 2000) * 1000 + 9,
    total: 3,
  };
  return [
    {
      ...base,
      pid: 100,
      application_name: 'api',
      state: 'active',
      wait_event_type: null,
      wait_event: null,
      query: 'select 1',
      blocked_by: null,
    },
    {
      ...base,
      pid: 101,
      application_name: 'api',
      state: 'active',
      wait_event_type: 'Lock',
      wait_event: 'transactionid',
      query: 'update t set v = 1',
      blocked_by: [102],
    },
    {
      ...base,
      pid: 102,
      application_name: 'batch',
      state: 'idle in transaction',
      wait_event_type: 'Client',
      wait_event: 'ClientRead',
      query: 'update t set v = 2',
      blocked_by: null,
    },
  ];
}

/** Everything a backend holds, written as the collector writes it. */
async function fill(api: TestApi, client: InsightClient): Promise<void> {
  const server = await client.server(SERVER);
  const statements = api.app.get(StatementsSnapshotTask);
  for (let k = 0; k < OLD_READINGS; k++) {
    const ts = OLD_FROM + k * MINUTE;
    const reset = k >= 30 ? OLD_FROM + 30 * MINUTE - 1000 : OLD_FROM - HOUR;
    const runs = k >= 30 ? k - 29 : k;
    const entries = Array.from({ length: STATEMENTS }, (_, i) =>
      entry(i, i === 3 && k >= 60 ? k - 59 : runs),
    ).filter((_, i) => !(i === 3 && k === 60));
    await statements.ingest(server, parsed(ts, server.generation, entries, reset), ts);
  }
  for (let k = 0; k < RECENT_READINGS; k++) {
    const ts = RECENT_FROM + k * MINUTE;
    const entries = Array.from({ length: STATEMENTS }, (_, i) => entry(i, 1000 + k));
    await statements.ingest(server, parsed(ts, server.generation, entries, OLD_FROM - HOUR), ts);
  }
  const sampler = api.app.get(SessionSampleTask);
  for (let ts = NOW - 30 * MINUTE; ts < NOW; ts += 10_000)
    await sampler.ingest(server, ts, sessions(ts));
  for (let k = 0; k < 6; k++)
    await sampler.ingest(server, OLD_FROM + k * 10_000, sessions(OLD_FROM));
}

function period(
  start: number,
  end: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    start_date: new Date(start).toISOString(),
    end_date: new Date(end).toISOString(),
    ...extra,
  };
}

/** The requests compared across backends, by name. */
function requests(): [string, string, Record<string, string>][] {
  const q11 = queryid(11);
  const recent = period(RECENT_FROM - MINUTE, NOW);
  return [
    ['recent', `/server/${SERVER}/queries`, recent],
    ['recent by calls', `/server/${SERVER}/queries`, { ...recent, sort: 'calls', limit: '3' }],
    ['edges', `/server/${SERVER}/queries`, period(RECENT_FROM + 90_000, hourOf(NOW) - 30 * MINUTE)],
    ['reporting', `/server/${SERVER}/queries`, { ...recent, database: 'reporting' }],
    ['user app', `/server/${SERVER}/queries`, { ...recent, user: 'app', sort: 'mean_exec_time' }],
    ['old', `/server/${SERVER}/queries`, period(OLD_FROM - MINUTE, OLD_FROM + 2 * HOUR)],
    ['week', `/server/${SERVER}/queries`, period(NOW - 7 * DAY, NOW)],
    ['statement', `/server/${SERVER}/queries/${q11}`, recent],
    ['statement week', `/server/${SERVER}/queries/${q11}`, period(NOW - 7 * DAY, NOW)],
    ['other', `/server/${SERVER}/queries/other`, recent],
    ...['wait_event', 'state', 'query', 'database', 'user', 'application'].map(
      (groupBy): [string, string, Record<string, string>] => [
        `activity by ${groupBy}`,
        `/server/${SERVER}/activity/history`,
        period(NOW - HOUR, NOW, { group_by: groupBy }),
      ],
    ),
    ['activity days', `/server/${SERVER}/activity/history`, period(NOW - 4 * DAY, NOW)],
    [
      'activity at',
      `/server/${SERVER}/activity/at`,
      { ts: new Date(NOW - 5 * MINUTE).toISOString() },
    ],
  ];
}

/** What retention left: the old answers again, and the rows of every table after it all expired. */
interface AfterRetention {
  /** The most rows one span (10 minutes or an hour) of the rollups holds. */
  rollupRowsPerSpan: number;
  /** Where a reading stamped an hour before the last one was stored, after the last. */
  lateTs: number;
  snapshots: [before: number, after: number];
  old: unknown;
  activityDays: unknown;
  leftAfterAll: Record<string, number>;
}

const SERVER_TABLES = [
  'statement_series',
  'statement_texts',
  'statement_snapshots',
  'activity_samples',
  'activity_backends',
  'activity_queries',
] as const;

/** Retention at NOW (the old readings' rows go), then 40 days later (everything goes). */
async function retain(api: TestApi, client: InsightClient): Promise<AfterRetention> {
  const server = await client.server(SERVER);
  const store = api.app.get(StoreService);
  const count = async (
    table: (typeof SERVER_TABLES)[number] | 'statement_rollups',
  ): Promise<number> => {
    const query = store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    const row = await (
      table === 'statement_rollups' ? query : query.where('server_id', '=', server.id)
    ).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const perSpan = await store.db
    .selectFrom('statement_rollups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(['span_ms', 'ts'])
    .execute();
  const rollupRowsPerSpan = Math.max(...perSpan.map((row) => Number(row.n)));
  // A reading stamped before the last one (another collector's clock) is stored just after it.
  const last = RECENT_FROM + (RECENT_READINGS - 1) * MINUTE;
  const late = Array.from({ length: STATEMENTS }, (_, i) => entry(i, 1000 + RECENT_READINGS));
  await api.app
    .get(StatementsSnapshotTask)
    .ingest(server, parsed(last + MINUTE, server.generation, late, OLD_FROM - HOUR), last - HOUR);
  const newest = await store.db
    .selectFrom('statement_snapshots')
    .select((eb) => eb.fn.max('ts').as('ts'))
    .where('server_id', '=', server.id)
    .executeTakeFirstOrThrow();
  const lateTs = Number(newest.ts) - last;
  const retention = api.app.get(InsightRetentionTask);
  const before = await count('statement_snapshots');
  await retention.removeOld(server, NOW);
  const after = await count('statement_snapshots');
  const old = (
    await client.get(`/server/${SERVER}/queries`, period(OLD_FROM - MINUTE, OLD_FROM + 2 * HOUR))
  ).body as unknown;
  const activityDays = (
    await client.get(`/server/${SERVER}/activity/history`, period(NOW - 4 * DAY, NOW))
  ).body as unknown;
  await retention.removeOld(server, NOW + 40 * DAY);
  const leftAfterAll: Record<string, number> = {};
  for (const table of [...SERVER_TABLES, 'statement_rollups'] as const)
    leftAfterAll[table] = await count(table);
  return { rollupRowsPerSpan, lateTs, snapshots: [before, after], old, activityDays, leftAfterAll };
}

describe('Query insight store', () => {
  let database: TestDatabase;
  const answers = new Map<Backend, Map<string, unknown>>();
  const retained = new Map<Backend, AfterRetention>();

  // One app at a time: passport's strategies are process-wide, so the last app started
  // validates the tokens of all of them.
  before(async () => {
    database = await createDatabase(readTargets().pg.main, 'insight_store');
    for (const backend of BACKENDS) {
      const api = await startTestApi({
        COLLECTOR_ENABLED: 'false',
        STATEMENTS_TOP: '5',
        ...(backend === 'PostgreSQL' && { DATABASE_URL: database.url }),
      });
      try {
        const client = new InsightClient(api, await api.adminToken());
        await client.createServer(monitorBody(SERVER));
        await fill(api, client);
        const answered = new Map<string, unknown>();
        for (const [name, path, query] of requests()) {
          const response = await client.get(path, query);
          assert.equal(response.status, 200, `${backend} ${name}: ${response.text}`);
          answered.set(name, response.body);
        }
        answers.set(backend, answered);
        retained.set(backend, await retain(api, client));
      } finally {
        await api.close();
      }
    }
  });

  after(async () => {
    await database?.drop();
  });

  it('returns the same answers on SQLite and PostgreSQL', () => {
    const [sqlite, postgres] = BACKENDS.map((backend) => answers.get(backend));
    for (const [name] of requests()) assert.deepEqual(postgres?.get(name), sqlite?.get(name), name);
  });
  for (const backend of BACKENDS) {
    describe(backend, () => {
      const answer = (name: string) => answers.get(backend)?.get(name) as QueriesAnswer;

      it('returns exact totals: 300 intervals of 78 calls, the top five and the other row', () => {
        const recent = answer('recent');
        assert.equal(recent.aggregation, 'raw');
        assert.equal(recent.totals.calls, 300 * 78);
        assert.equal(recent.totals.rows, 300 * 78 * 2);
        assert.deepEqual(
          recent.queries.map((entry) => [entry.queryid, entry.calls]),
          [
            ['other', 300 * 28],
            [queryid(11), 3600],
            [queryid(10), 3300],
            [queryid(9), 3000],
            [queryid(8), 2700],
            [queryid(7), 2400],
          ],
        );
        const summed = recent.queries.reduce((sum, entry) => sum + entry.total_exec_time_ms, 0);
        assert.ok(Math.abs(summed - recent.totals.total_exec_time_ms) < 1e-6);
      });

      it('returns per-interval rows at the edges of a period and whole hours in between', () => {
        // Readings at RECENT_FROM + k minutes inside [RECENT_FROM + 90 s, last hour - 30 min].
        const readings = 4 * 60 + 30 - 1;
        assert.equal(answer('edges').totals.calls, readings * 78);
      });

      it('returns a filtered view and a sort by mean time', () => {
        assert.equal(answer('reporting').totals.calls, 300 * (9 + 10 + 11 + 12));
        const byMean = answer('user app').queries.map((entry) => entry.user);
        assert.ok(byMean.every((user) => user === 'app'));
        assert.deepEqual(
          answer('recent by calls').queries.map((entry) => entry.queryid),
          ['other', queryid(11), queryid(10)],
        );
      });

      it('returns an old period from hourly rollups, reset and eviction counted once', () => {
        const old = answer('old');
        assert.equal(old.aggregation, 'hour');
        // Intervals 1-29, the reset interval (what ran since the reset: one run each), 31-89;
        // statement 3, missing at 60 and back at 61, is counted whole when it comes back.
        const runs = 29 + 1 + 59;
        assert.equal(old.totals.calls, runs * 78);
        assert.equal(answer('week').aggregation, 'hour');
        assert.equal(answer('week').totals.calls, old.totals.calls + 300 * 78);
      });
    });
  }

  describe('InsightRetentionTask', () => {
    for (const backend of BACKENDS) {
      it(`stores a reading stamped before the last one just after it (${backend})`, () => {
        assert.equal(retained.get(backend)?.lateTs, 1);
      });

      it(`keeps the top five statements and one other row per rolled-up span (${backend})`, () => {
        assert.equal(retained.get(backend)?.rollupRowsPerSpan, 6);
      });

      it(`removes per-interval rows past the raw window and keeps the hourly answers (${backend})`, () => {
        const result = retained.get(backend);
        assert.deepEqual(result?.snapshots, [
          OLD_READINGS + RECENT_READINGS + 1,
          RECENT_READINGS + 1,
        ]);
        assert.deepEqual(result?.old, answers.get(backend)?.get('old'));
        assert.deepEqual(result?.activityDays, answers.get(backend)?.get('activity days'));
      });

      it(`removes everything of a server once it all expired (${backend})`, () => {
        const left = retained.get(backend)?.leftAfterAll ?? {};
        assert.deepEqual(left, Object.fromEntries(Object.keys(left).map((table) => [table, 0])));
        assert.equal(Object.keys(left).length, SERVER_TABLES.length + 1);
      });
    }
  });
});
