import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapCounters, zeroCounters } from './counters.js';
import type { DateRange } from './date-range.js';
import type { BucketPart } from './history-sample.js';
import { databaseHistoryView, databaseSummaryView, serverHistoryView } from './history-views.js';
import type { HistoryData } from './sources/history-source.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const T0 = Date.UTC(2025, 5, 3, 10, 0, 0);
const HOUR = 3_600_000;
const range: DateRange = { start: T0 - 3 * 86_400_000, end: T0 + HOUR, aggregation: 'hour' };

function part(datname: string, hour: number, overrides: Partial<BucketPart> = {}): BucketPart {
  return {
    ts: T0 + hour * HOUR,
    datname,
    samples: 12,
    backendsSum: 54,
    backendsMax: 9,
    backendsMin: 0,
    sizeMax: GIB + 11 * MIB,
    events: {
      ...zeroCounters(),
      xact_commit: 1200,
      xact_rollback: 12,
      blks_read: 60,
      blks_hit: 600,
    },
    ...overrides,
  };
}

function data(overrides: Partial<HistoryData> = {}): HistoryData {
  return {
    source: 'collector',
    lastUpdate: T0 + 55 * 60_000,
    databases: [
      { name: 'app_main', creationTime: T0 - 30 * 86_400_000, firstSeen: T0 - HOUR },
      { name: 'app_reset', creationTime: null, firstSeen: null },
    ],
    timeline: [part('app_main', 0), part('app_reset', 0, { sizeMax: null }), part('app_main', 1)],
    latest: [
      { datname: 'app_main', ts: T0 + 55 * 60_000, numbackends: 3, sizeBytes: GIB + 863 * MIB },
      { datname: 'app_reset', ts: T0 + 55 * 60_000, numbackends: 2, sizeBytes: 512 * MIB },
    ],
    ...overrides,
  };
}

const SEED_SERVER_KEYS = [
  'last_stat_update',
  'total_connections',
  'total_size_gb',
  'databases',
  'connection_timeline',
];

describe(serverHistoryView.name, () => {
  it('returns the seed fields first, then the additions', () => {
    const view = serverHistoryView(data(), range, new Set(['app_main']));
    assert.deepEqual(Object.keys(view).slice(0, SEED_SERVER_KEYS.length), SEED_SERVER_KEYS);
    assert.deepEqual(Object.keys(view.databases[0] ?? {}).slice(0, 3), [
      'name',
      'exists',
      'creation_time',
    ]);
    assert.deepEqual(Object.keys(view.connection_timeline[0] ?? {}).slice(0, 4), [
      'ts',
      'datname',
      'connections',
      'size_gb',
    ]);
  });

  it('returns total_connections and total_size_gb from the latest sample of each database', () => {
    const view = serverHistoryView(data(), range, null);
    assert.equal(view.total_connections, 5);
    assert.equal(view.total_size_gb, Math.round(((1024 + 863 + 512) / 1024) * 1000) / 1000);
    assert.equal(view.total_size_gb, 2.343);
  });

  it('returns zero totals and null last_stat_update when there is no history', () => {
    const view = serverHistoryView(
      data({ lastUpdate: null, databases: [], timeline: [], latest: [] }),
      range,
      new Set(),
    );
    assert.equal(view.last_stat_update, null);
    assert.equal(view.total_connections, 0);
    assert.equal(view.total_size_gb, 0);
    assert.deepEqual(view.databases, []);
    assert.deepEqual(view.connection_timeline, []);
  });

  it('returns exists true, false, or null when the server could not be asked', () => {
    const asked = serverHistoryView(data(), range, new Set(['app_main', 'postgres']));
    assert.deepEqual(
      asked.databases.map((database) => [database.name, database.exists]),
      [
        ['app_main', true],
        ['app_reset', false],
      ],
    );
    const unreachable = serverHistoryView(data(), range, null);
    assert.ok(unreachable.databases.every((database) => database.exists === null));
  });

  it('returns creation_time and first_seen as ISO timestamps or null', () => {
    const [main, reset] = serverHistoryView(data(), range, null).databases;
    assert.equal(main?.creation_time, new Date(T0 - 30 * 86_400_000).toISOString());
    assert.equal(main?.first_seen, new Date(T0 - HOUR).toISOString());
    assert.equal(reset?.creation_time, null);
    assert.equal(reset?.first_seen, null);
  });

  it('returns timeline points with rounded average connections, size in GiB and commits per bucket', () => {
    const view = serverHistoryView(data(), range, null);
    assert.deepEqual(view.connection_timeline[0], {
      ts: new Date(T0).toISOString(),
      datname: 'app_main',
      connections: 5, // 54 / 12 = 4.5, rounded
      size_gb: 1.011, // 1035 MiB
      connections_max: 9,
      size_bytes: GIB + 11 * MIB,
      commits: 1200,
      rollbacks: 12,
    });
    assert.equal(view.connection_timeline[1]?.size_gb, null);
    assert.equal(view.connection_timeline[1]?.size_bytes, null);
  });

  it('returns the aggregation, the source and the period', () => {
    const view = serverHistoryView(data({ source: 'stats_db' }), range, null);
    assert.equal(view.aggregation, 'hour');
    assert.equal(view.source, 'stats_db');
    assert.equal(view.start_date, new Date(range.start).toISOString());
    assert.equal(view.end_date, new Date(range.end).toISOString());
    assert.equal(view.last_stat_update, new Date(T0 + 55 * 60_000).toISOString());
  });
});

describe(databaseHistoryView.name, () => {
  const one = () =>
    data({
      databases: [{ name: 'app_main', creationTime: T0 - HOUR, firstSeen: T0 }],
      timeline: [
        part('app_main', 0, { backendsMax: 7, backendsMin: 2 }),
        part('app_main', 1, { backendsMax: 9, backendsMin: 1, sizeMax: 1536 * MIB }),
        part('app_main', 2, { backendsMax: 4, backendsMin: 3, events: zeroCounters() }),
      ],
      latest: [{ datname: 'app_main', ts: T0, numbackends: 6, sizeBytes: 1536 * MIB + 1 }],
    });

  it('returns the seed fields first, then the additions', () => {
    const view = databaseHistoryView(one(), range, null, 'app_main');
    assert.deepEqual(Object.keys(view).slice(0, 8), [
      'last_stat_update',
      'total_connections',
      'total_commits',
      'total_size_mb',
      'creation_time',
      'max_connections',
      'min_connections',
      'timeline',
    ]);
    assert.deepEqual(Object.keys(view.timeline[0] ?? {}).slice(0, 4), [
      'ts',
      'connections',
      'size_mb',
      'commits',
    ]);
  });

  it('returns the totals of the period', () => {
    const view = databaseHistoryView(one(), range, new Set(['app_main']), 'app_main');
    assert.equal(view.total_commits, 2400);
    assert.equal(view.total_connections, 6);
    assert.equal(view.total_size_mb, 1536);
    assert.equal(view.max_connections, 9);
    assert.equal(view.min_connections, 1);
    assert.equal(view.creation_time, new Date(T0 - HOUR).toISOString());
    assert.equal(view.exists, true);
  });

  it('returns every counter of a bucket and the cache hit ratio', () => {
    const [point] = databaseHistoryView(one(), range, null, 'app_main').timeline;
    assert.deepEqual(point, {
      ts: new Date(T0).toISOString(),
      connections: 5,
      size_mb: 1035,
      commits: 1200,
      connections_max: 7,
      connections_min: 2,
      rollbacks: 12,
      blks_read: 60,
      blks_hit: 600,
      cache_hit_ratio: 0.9091,
      tup_returned: 0,
      tup_fetched: 0,
      tup_inserted: 0,
      tup_updated: 0,
      tup_deleted: 0,
      temp_files: 0,
      temp_bytes: 0,
      deadlocks: 0,
      size_bytes: GIB + 11 * MIB,
      samples: 12,
    });
  });

  it('returns a null cache hit ratio for a bucket without block reads', () => {
    const view = databaseHistoryView(one(), range, null, 'app_main');
    assert.equal(view.timeline[2]?.cache_hit_ratio, null);
  });

  it('returns each counter of the bucket under its own name', () => {
    const events = mapCounters((counter) => counter.length);
    const view = databaseHistoryView(
      data({ timeline: [part('app_main', 0, { events })] }),
      range,
      null,
      'app_main',
    );
    const [point] = view.timeline;
    assert.equal(point?.tup_returned, 'tup_returned'.length);
    assert.equal(point?.temp_bytes, 'temp_bytes'.length);
    assert.equal(point?.deadlocks, 'deadlocks'.length);
    assert.equal(point?.rollbacks, 'xact_rollback'.length);
  });

  it('returns zeros, nulls and exists false for a database without history', () => {
    const view = databaseHistoryView(
      data({ lastUpdate: null, databases: [], timeline: [], latest: [] }),
      range,
      new Set(['postgres']),
      'appdb',
    );
    assert.equal(view.total_commits, 0);
    assert.equal(view.total_connections, 0);
    assert.equal(view.total_size_mb, 0);
    assert.equal(view.max_connections, 0);
    assert.equal(view.min_connections, 0);
    assert.equal(view.creation_time, null);
    assert.equal(view.last_stat_update, null);
    assert.equal(view.exists, false);
    assert.deepEqual(view.timeline, []);
  });
});

describe(databaseSummaryView.name, () => {
  it('returns the seed fields first: size_mb, connections, commits, last_update', () => {
    const view = databaseSummaryView(data(), new Set(['app_main']), 'app_main');
    assert.deepEqual(Object.keys(view).slice(0, 4), [
      'size_mb',
      'connections',
      'commits',
      'last_update',
    ]);
  });

  it('returns the latest size and backends and the commits of the data', () => {
    const view = databaseSummaryView(
      data({
        timeline: [
          part('app_main', 0),
          part('app_main', 1, { events: { ...zeroCounters(), xact_commit: 7 } }),
        ],
        latest: [{ datname: 'app_main', ts: T0 + HOUR, numbackends: 4, sizeBytes: 1.5 * MIB }],
      }),
      new Set(['app_main']),
      'app_main',
    );
    assert.equal(view.size_mb, 1.5);
    assert.equal(view.size_bytes, 1.5 * MIB);
    assert.equal(view.connections, 4);
    assert.equal(view.commits, 1207);
    assert.equal(view.last_update, new Date(T0 + HOUR).toISOString());
    assert.equal(view.name, 'app_main');
    assert.equal(view.exists, true);
    assert.equal(view.source, 'collector');
  });

  it('returns last_update from the newest sample of any period when none is recent', () => {
    const view = databaseSummaryView(data({ timeline: [], latest: [] }), null, 'app_main');
    assert.equal(view.last_update, new Date(T0 + 55 * 60_000).toISOString());
    assert.equal(view.size_mb, 0);
    assert.equal(view.size_bytes, null);
    assert.equal(view.connections, 0);
    assert.equal(view.commits, 0);
    assert.equal(view.exists, null);
  });
});
