/**
 * What the history routes must answer for the stats_db fixture (test/support/fixtures/
 * stats-db.ts), computed from the fixture's definition sample by sample, independently of the
 * code under test. The same numbers hold for pgmon's own store once the fixture is written
 * into it the way the collector writes samples.
 */
import assert from 'node:assert/strict';
import {
  APP_MAIN,
  APP_RESET,
  APP_RESET_COUNTER_RESET_SAMPLE,
  APP_RESET_RECREATED_SAMPLE,
  STATS_FIXTURE_SAMPLES,
} from '../support/fixtures/stats-db.js';
import { readTargets } from '../support/targets-info.js';
import type { ServerPoint } from './helpers.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;

/** UTC midnight of the first fixture day, as the run loaded it. */
export const DAY_START = Date.parse(readTargets().statsFixture.dayStart);
/** The end of the fixture's three days (today's UTC midnight when the run started). */
export const FIXTURE_END = DAY_START + 3 * DAY;
export const LAST_SAMPLE = STATS_FIXTURE_SAMPLES - 1;
export const DATABASES = [APP_MAIN.datname, APP_RESET.datname] as const;
export type FixtureDatabase = (typeof DATABASES)[number];

export function sampleTs(i: number): number {
  return DAY_START + i * 5 * MINUTE;
}

/**
 * Why a check of "the last 24 hours" cannot run now, or false when it can. The fixture's last
 * sample is 5 minutes before the UTC midnight of the day the run started, so from 23:55 UTC of
 * that day on, the last 24 hours hold no sample (the routes then rightly answer zeros, which
 * prove nothing). A run that starts late in the day and goes on past that time reaches this.
 */
export function lastDayOutOfReach(now: number = Date.now()): string | false {
  return now - DAY > sampleTs(LAST_SAMPLE)
    ? 'the run went past 23:55 UTC: the fixture has left the last 24 hours'
    : false;
}

/**
 * Commits during the interval that ends at sample i: 100 per interval for app_main, 10 for
 * app_reset, and 0 where a series starts (the first sample, app_reset's counter reset whose
 * post-reset value is 0, and its re-created database which starts at 0).
 */
export function commitsAt(datname: FixtureDatabase, i: number): number {
  if (i === 0) return 0;
  if (datname === APP_MAIN.datname) return 100;
  return i === APP_RESET_COUNTER_RESET_SAMPLE || i === APP_RESET_RECREATED_SAMPLE ? 0 : 10;
}

export function backendsAt(datname: FixtureDatabase, i: number): number {
  return datname === APP_MAIN.datname ? i % 10 : 2;
}

export function sizeAt(datname: FixtureDatabase, i: number): number {
  return datname === APP_MAIN.datname ? GIB + i * MIB : 512 * MIB;
}

export function datidAt(datname: FixtureDatabase, i: number): number {
  if (datname === APP_MAIN.datname) return APP_MAIN.datid;
  return i < APP_RESET_RECREATED_SAMPLE ? APP_RESET.datid : APP_RESET.recreatedDatid;
}

/** The fixture's cumulative xact_commit of sample i (the raw counter, reset and all). */
export function xactCommitAt(datname: FixtureDatabase, i: number): number {
  if (datname === APP_MAIN.datname) return 1000 + 100 * i;
  if (i < APP_RESET_COUNTER_RESET_SAMPLE) return 500 + 10 * i;
  if (i < APP_RESET_RECREATED_SAMPLE) return 10 * (i - APP_RESET_COUNTER_RESET_SAMPLE);
  return 10 * (i - APP_RESET_RECREATED_SAMPLE);
}

/** stats_reset of sample i (only app_reset between its reset and its re-creation has one). */
export function statsResetAt(datname: FixtureDatabase, i: number): number | null {
  return datname === APP_RESET.datname &&
    i >= APP_RESET_COUNTER_RESET_SAMPLE &&
    i < APP_RESET_RECREATED_SAMPLE
    ? sampleTs(APP_RESET_COUNTER_RESET_SAMPLE)
    : null;
}

export const CREATION_TIME: Record<FixtureDatabase, number> = {
  app_main: DAY_START - 30 * DAY,
  app_reset: sampleTs(APP_RESET_RECREATED_SAMPLE),
};

/** The fields of a server timeline point that the fixture determines. */
export type ExpectedPoint = Pick<
  ServerPoint,
  'ts' | 'datname' | 'connections' | 'connections_max' | 'size_bytes' | 'size_gb' | 'commits'
>;

export function pointOf(point: ServerPoint): ExpectedPoint {
  const { ts, datname, connections, connections_max, size_bytes, size_gb, commits } = point;
  return { ts, datname, connections, connections_max, size_bytes, size_gb, commits };
}

/**
 * The expected timeline of the fixture samples in [start, end], one point per sample (raw)
 * or per UTC-aligned bucket of `bucketMs`, ordered by time then database name.
 */
export function expectedTimeline(
  start: number,
  end: number,
  bucketMs: number | null,
): ExpectedPoint[] {
  const buckets = new Map<string, { ts: number; datname: FixtureDatabase; samples: number[] }>();
  for (let i = 0; i <= LAST_SAMPLE; i++) {
    const ts = sampleTs(i);
    if (ts < start || ts > end) continue;
    const bucketTs = bucketMs === null ? ts : ts - (ts % bucketMs);
    for (const datname of DATABASES) {
      const key = `${bucketTs}/${datname}`;
      const bucket = buckets.get(key) ?? { ts: bucketTs, datname, samples: [] };
      bucket.samples.push(i);
      buckets.set(key, bucket);
    }
  }
  return [...buckets.values()]
    .sort((a, b) => a.ts - b.ts || a.datname.localeCompare(b.datname))
    .map(({ ts, datname, samples }) => {
      const backends = samples.map((i) => backendsAt(datname, i));
      const size = Math.max(...samples.map((i) => sizeAt(datname, i)));
      return {
        ts: new Date(ts).toISOString(),
        datname,
        connections: Math.round(backends.reduce((a, b) => a + b, 0) / samples.length),
        connections_max: Math.max(...backends),
        size_bytes: size,
        size_gb: Math.round((size / GIB) * 1000) / 1000,
        commits: samples.reduce((total, i) => total + commitsAt(datname, i), 0),
      };
    });
}

/** Commits of one database in a timeline. */
export function commitsOf(points: { datname: string; commits: number }[], datname: string): number {
  return points
    .filter((point) => point.datname === datname)
    .reduce((total, point) => total + point.commits, 0);
}

/** Expected commits of the samples with ts in [start, end] (each interval counted at its end). */
export function expectedCommits(datname: FixtureDatabase, start: number, end: number): number {
  let total = 0;
  for (let i = 0; i <= LAST_SAMPLE; i++) {
    const ts = sampleTs(i);
    if (ts >= start && ts <= end) total += commitsAt(datname, i);
  }
  return total;
}

/** The seed's field names of each route, which every answer must carry. */
export const SEED_FIELDS = {
  server: [
    'last_stat_update',
    'total_connections',
    'total_size_gb',
    'databases',
    'connection_timeline',
  ],
  serverDatabase: ['name', 'exists', 'creation_time'],
  serverPoint: ['ts', 'datname', 'connections', 'size_gb'],
  summary: ['size_mb', 'connections', 'commits', 'last_update'],
  database: [
    'last_stat_update',
    'total_connections',
    'total_commits',
    'total_size_mb',
    'creation_time',
    'max_connections',
    'min_connections',
    'timeline',
  ],
  databasePoint: ['ts', 'connections', 'size_mb', 'commits'],
} as const;

export function assertHasFields(value: unknown, fields: readonly string[], what: string): void {
  assert.ok(value !== null && typeof value === 'object', `${what} is not an object`);
  for (const field of fields) {
    assert.ok(field in value, `${what} has no "${field}": ${JSON.stringify(value)}`);
  }
}
