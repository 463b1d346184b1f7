/**
 * The stats_db fixture's numbers through the three history routes, for any source that holds
 * the fixture: the seed's stats_db itself, or pgmon's store after the collector's write path
 * stored the same samples. Both must answer the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APP_RESET_COUNTER_RESET_SAMPLE,
  APP_RESET_RECREATED_SAMPLE,
} from '../support/fixtures/stats-db.js';
import {
  assertHasFields,
  commitsOf,
  CREATION_TIME,
  DATABASES,
  DAY,
  DAY_START,
  expectedCommits,
  expectedTimeline,
  FIXTURE_END,
  GIB,
  HOUR,
  LAST_SAMPLE,
  lastDayOutOfReach,
  MIB,
  pointOf,
  sampleTs,
  SEED_FIELDS,
} from './fixture.js';
import { period, type HistoryClient, type ServerHistory } from './helpers.js';

export interface FixtureContext {
  client: HistoryClient;
  server: string;
  source: 'stats_db' | 'collector';
  /** What `exists` must say of the fixture's databases (they are not on any cluster). */
  exists: boolean | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function byTimeThenDatabase(
  a: { ts: string; datname: string },
  b: { ts: string; datname: string },
) {
  return Date.parse(a.ts) - Date.parse(b.ts) || a.datname.localeCompare(b.datname);
}

/** Defines the fixture tests; `context` is read when they run (after the before hooks). */
export function fixtureHistoryTests(context: () => FixtureContext): void {
  const serverStats = (start: number, end: number): Promise<ServerHistory> => {
    const { client, server } = context();
    return client.serverStats(server, period(start, end));
  };

  describe('GET /server/{server_name}/stats', () => {
    it('returns every sample of a 2-day period (raw): 100 commits per interval for app_main, 0 at the reset and the re-creation of app_reset', async () => {
      const start = DAY_START + DAY;
      const view = await serverStats(start, FIXTURE_END);
      assert.equal(view.aggregation, 'raw');
      assert.equal(view.source, context().source);
      // Compared in time order here; the order itself has a test of its own below.
      const timeline = view.connection_timeline.map(pointOf).sort(byTimeThenDatabase);
      assert.equal(timeline.length, 2 * 576);
      assert.deepEqual(timeline, expectedTimeline(start, FIXTURE_END, null));
      const main = view.connection_timeline.filter((point) => point.datname === 'app_main');
      assert.ok(main.every((point) => point.commits === 100));
      const reset = view.connection_timeline.filter((point) => point.datname === 'app_reset');
      const zero = reset.filter((point) => point.commits === 0).map((point) => point.ts);
      assert.deepEqual(zero, [
        iso(sampleTs(APP_RESET_COUNTER_RESET_SAMPLE)),
        iso(sampleTs(APP_RESET_RECREATED_SAMPLE)),
      ]);
      assert.ok(reset.every((point) => point.commits === 0 || point.commits === 10));
      assert.equal(commitsOf(view.connection_timeline, 'app_main'), 57_600);
      assert.equal(commitsOf(view.connection_timeline, 'app_reset'), 5_740);
    });

    it('returns the raw timeline ordered by time, then database, as the aggregated levels are', async () => {
      const view = await serverStats(sampleTs(100), sampleTs(103));
      assert.equal(view.aggregation, 'raw');
      assert.deepEqual(
        view.connection_timeline.map((point) => [point.ts, point.datname]),
        [100, 101, 102, 103].flatMap((i) => [
          [iso(sampleTs(i)), 'app_main'],
          [iso(sampleTs(i)), 'app_reset'],
        ]),
      );
    });

    it('returns hourly buckets for the 3 fixture days: 1,100 commits in the first hour of app_main, then 1,200 per hour', async () => {
      const view = await serverStats(DAY_START, FIXTURE_END);
      assert.equal(view.aggregation, 'hour');
      const main = view.connection_timeline.filter((point) => point.datname === 'app_main');
      assert.equal(main.length, 72);
      assert.deepEqual(
        main.map((point) => point.commits),
        [1_100, ...Array<number>(71).fill(1_200)],
      );
      for (const point of view.connection_timeline) {
        assert.equal(Date.parse(point.ts) % HOUR, 0, `${point.ts} is aligned to the UTC hour`);
      }
      assert.deepEqual(
        view.connection_timeline.map(pointOf),
        expectedTimeline(DAY_START, FIXTURE_END, HOUR),
      );
      assert.equal(commitsOf(view.connection_timeline, 'app_main'), 86_300);
      assert.equal(commitsOf(view.connection_timeline, 'app_reset'), 8_610);
    });

    it('returns the largest size and the mean backends of each hour', async () => {
      const view = await serverStats(DAY_START, FIXTURE_END);
      const hour5 = view.connection_timeline.find(
        (point) => point.datname === 'app_main' && point.ts === iso(DAY_START + 5 * HOUR),
      );
      // Samples 60..71: sizes 1 GiB + 60..71 MiB, backends 0..9, 0, 1 (sum 46).
      assert.equal(hour5?.size_bytes, GIB + 71 * MIB);
      assert.equal(hour5?.size_gb, Math.round(((1024 + 71) / 1024) * 1000) / 1000);
      assert.equal(hour5?.connections, Math.round(46 / 12));
      assert.equal(hour5?.connections_max, 9);
      const reset = view.connection_timeline.filter((point) => point.datname === 'app_reset');
      assert.ok(reset.every((point) => point.size_bytes === 512 * MIB && point.connections === 2));
      assert.ok(reset.every((point) => point.size_gb === 0.5));
    });

    it('returns 4-hour buckets aligned to UTC for a 23-day period', async () => {
      const start = DAY_START - 20 * DAY;
      const view = await serverStats(start, FIXTURE_END);
      assert.equal(view.aggregation, '4hour');
      for (const point of view.connection_timeline) {
        assert.equal(Date.parse(point.ts) % (4 * HOUR), 0, point.ts);
      }
      const main = view.connection_timeline.filter((point) => point.datname === 'app_main');
      assert.deepEqual(
        main.map((point) => point.commits),
        [4_700, ...Array<number>(17).fill(4_800)],
      );
      assert.deepEqual(
        view.connection_timeline.map(pointOf),
        expectedTimeline(start, FIXTURE_END, 4 * HOUR),
      );
      assert.equal(commitsOf(view.connection_timeline, 'app_main'), 86_300);
      assert.equal(commitsOf(view.connection_timeline, 'app_reset'), 8_610);
    });

    it('returns day buckets aligned to UTC midnight for a 100-day period', async () => {
      const start = FIXTURE_END - 100 * DAY;
      const view = await serverStats(start, FIXTURE_END);
      assert.equal(view.aggregation, 'day');
      const byDatabase = (datname: string) =>
        view.connection_timeline
          .filter((point) => point.datname === datname)
          .map((point) => [point.ts, point.commits]);
      assert.deepEqual(byDatabase('app_main'), [
        [iso(DAY_START), 28_700],
        [iso(DAY_START + DAY), 28_800],
        [iso(DAY_START + 2 * DAY), 28_800],
      ]);
      assert.deepEqual(byDatabase('app_reset'), [
        [iso(DAY_START), 2_870],
        [iso(DAY_START + DAY), 2_870],
        [iso(DAY_START + 2 * DAY), 2_870],
      ]);
      assert.deepEqual(
        view.connection_timeline.map(pointOf),
        expectedTimeline(start, FIXTURE_END, DAY),
      );
    });

    it('returns the aggregation of 1 day, 3 days, 30 days and 100 days', async () => {
      const levels: string[] = [];
      for (const days of [1, 3, 30, 100]) {
        levels.push((await serverStats(FIXTURE_END - days * DAY, FIXTURE_END)).aggregation);
      }
      assert.deepEqual(levels, ['raw', 'hour', '4hour', 'day']);
    });

    it('returns total_connections and total_size_gb of the latest sample of each database inside the period', async () => {
      const whole = await serverStats(DAY_START, FIXTURE_END);
      assert.equal(whole.total_connections, (LAST_SAMPLE % 10) + 2);
      assert.equal(whole.total_size_gb, Math.round(((1024 + 863 + 512) / 1024) * 1000) / 1000);
      // Ending at sample 432 (app_main backends 2, size 1 GiB + 432 MiB).
      const half = await serverStats(DAY_START, sampleTs(432));
      assert.equal(half.total_connections, 4);
      assert.equal(half.total_size_gb, Math.round(((1024 + 432 + 512) / 1024) * 1000) / 1000);
      assert.equal(half.aggregation, 'raw');
    });

    it('returns the databases with their creation_time, exists and the source', async () => {
      const view = await serverStats(DAY_START, FIXTURE_END);
      const { exists, source } = context();
      assert.equal(view.source, source);
      assert.deepEqual(
        view.databases.map(({ name, exists, creation_time }) => ({ name, exists, creation_time })),
        DATABASES.map((name) => ({ name, exists, creation_time: iso(CREATION_TIME[name]) })),
      );
      assert.equal(view.last_stat_update, iso(sampleTs(LAST_SAMPLE)));
      assert.equal(view.start_date, iso(DAY_START));
      assert.equal(view.end_date, iso(FIXTURE_END));
    });

    it('returns the seed fields of the answer, its databases and its points', async () => {
      const view = await serverStats(DAY_START, FIXTURE_END);
      assertHasFields(view, SEED_FIELDS.server, 'answer');
      for (const database of view.databases)
        assertHasFields(database, SEED_FIELDS.serverDatabase, 'database');
      assert.ok(view.connection_timeline.length > 0);
      for (const point of view.connection_timeline)
        assertHasFields(point, SEED_FIELDS.serverPoint, 'point');
      assert.equal(typeof view.total_size_gb, 'number');
    });

    it('returns an empty timeline for a period before the fixture, and still the newest sample time', async () => {
      const view = await serverStats(DAY_START - 20 * DAY, DAY_START - 10 * DAY);
      assert.deepEqual(view.connection_timeline, []);
      assert.deepEqual(view.databases, []);
      assert.equal(view.total_connections, 0);
      assert.equal(view.total_size_gb, 0);
      assert.equal(view.last_stat_update, iso(sampleTs(LAST_SAMPLE)));
    });
  });

  describe('GET /server/{server_name}/db/{db_name}/stats', () => {
    it('returns 86,300 commits, the latest size and the extremes of app_main over the fixture', async () => {
      const { client, server, exists, source } = context();
      const view = await client.databaseStats(server, 'app_main', period(DAY_START, FIXTURE_END));
      assert.equal(view.total_commits, 86_300);
      assert.equal(view.total_size_mb, 1024 + 863);
      assert.equal(view.total_connections, LAST_SAMPLE % 10);
      assert.equal(view.max_connections, 9);
      assert.equal(view.min_connections, 0);
      assert.equal(view.creation_time, iso(CREATION_TIME.app_main));
      assert.equal(view.last_stat_update, iso(sampleTs(LAST_SAMPLE)));
      assert.equal(view.aggregation, 'hour');
      assert.equal(view.source, source);
      assert.equal(view.exists, exists);
      assert.equal(view.timeline.length, 72);
      const expected = expectedTimeline(DAY_START, FIXTURE_END, HOUR).filter(
        (point) => point.datname === 'app_main',
      );
      assert.deepEqual(
        view.timeline.map((point) => [point.ts, point.commits, point.size_mb, point.connections]),
        expected.map((point) => [
          point.ts,
          point.commits,
          Math.round(((point.size_bytes ?? 0) / MIB) * 100) / 100,
          point.connections,
        ]),
      );
      assert.ok(view.timeline.every((point) => point.samples === 12 && point.rollbacks >= 11));
      assert.ok(view.timeline.every((point) => point.cache_hit_ratio === 0.9091));
    });

    it('returns 8,610 commits for app_reset over the fixture, never a negative bucket', async () => {
      const { client, server } = context();
      const view = await client.databaseStats(server, 'app_reset', period(DAY_START, FIXTURE_END));
      assert.equal(view.total_commits, 8_610);
      assert.equal(view.total_size_mb, 512);
      assert.equal(view.max_connections, 2);
      assert.equal(view.min_connections, 2);
      assert.equal(view.creation_time, iso(CREATION_TIME.app_reset));
      assert.ok(view.timeline.every((point) => point.commits >= 0 && point.commits <= 120));
      const hours = new Map(view.timeline.map((point) => [point.ts, point.commits]));
      assert.equal(hours.get(iso(DAY_START + 36 * HOUR)), 110, 'the hour of the counter reset');
      assert.equal(hours.get(iso(DAY_START + 50 * HOUR)), 110, 'the hour of the re-creation');
    });

    it('returns each raw sample around the counter reset of app_reset', async () => {
      const { client, server } = context();
      const at = APP_RESET_COUNTER_RESET_SAMPLE;
      const view = await client.databaseStats(
        server,
        'app_reset',
        period(sampleTs(at - 2), sampleTs(at + 2)),
      );
      assert.equal(view.aggregation, 'raw');
      assert.deepEqual(
        view.timeline.map((point) => [point.ts, point.commits, point.size_mb, point.samples]),
        [at - 2, at - 1, at, at + 1, at + 2].map((i) => [
          iso(sampleTs(i)),
          i === at ? 0 : 10,
          512,
          1,
        ]),
      );
    });

    it('returns the seed fields of the answer and of its points', async () => {
      const { client, server } = context();
      const view = await client.databaseStats(server, 'app_main', period(DAY_START, FIXTURE_END));
      assertHasFields(view, SEED_FIELDS.database, 'answer');
      assert.ok(view.timeline.length > 0);
      for (const point of view.timeline) assertHasFields(point, SEED_FIELDS.databasePoint, 'point');
    });

    it('answers 404 for a database that has no history and that the server does not have', async () => {
      const { client, server } = context();
      const response = await client.databaseStatsResponse(server, 'no_such_database_here');
      assert.equal(response.status, 404, response.text);
      assert.match((response.body as { detail: string }).detail, /no_such_database_here/);
    });
  });

  describe('GET /server/{server_name}/db/{db_name}', () => {
    it('returns the latest size and backends of app_main and the commits of the last 24 hours', async (t) => {
      const outOfReach = lastDayOutOfReach();
      if (outOfReach) return t.skip(outOfReach);
      const { client, server, exists, source } = context();
      const before = Date.now();
      const summary = await client.databaseSummary(server, 'app_main');
      const after = Date.now();
      const possible = new Set([
        expectedCommits('app_main', before - DAY, before),
        expectedCommits('app_main', after - DAY, after),
      ]);
      assert.ok(possible.has(summary.commits), `${summary.commits} in ${[...possible].join('/')}`);
      assert.ok(summary.commits > 0);
      assert.equal(summary.size_mb, 1024 + 863);
      assert.equal(summary.size_bytes, GIB + 863 * MIB);
      assert.equal(summary.connections, LAST_SAMPLE % 10);
      assert.equal(summary.last_update, iso(sampleTs(LAST_SAMPLE)));
      assert.equal(summary.name, 'app_main');
      assert.equal(summary.exists, exists);
      assert.equal(summary.source, source);
      assert.equal(summary.creation_time, iso(CREATION_TIME.app_main));
      assertHasFields(summary, SEED_FIELDS.summary, 'summary');
    });

    it('returns the commits of the last 24 hours of app_reset, never negative', async (t) => {
      const outOfReach = lastDayOutOfReach();
      if (outOfReach) return t.skip(outOfReach);
      const { client, server } = context();
      const before = Date.now();
      const summary = await client.databaseSummary(server, 'app_reset');
      const after = Date.now();
      const possible = new Set([
        expectedCommits('app_reset', before - DAY, before),
        expectedCommits('app_reset', after - DAY, after),
      ]);
      assert.ok(possible.has(summary.commits), `${summary.commits} in ${[...possible].join('/')}`);
      assert.equal(summary.size_mb, 512);
      assert.equal(summary.connections, 2);
    });

    it('answers 404 for a database that has no history and that the server does not have', async () => {
      const { client, server } = context();
      const response = await client.databaseSummaryResponse(server, 'no_such_database_here');
      assert.equal(response.status, 404, response.text);
    });
  });
}
