import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestPerDatabase, maxOrNull, mergeIntoBuckets, samplesToParts } from './aggregate.js';
import { mapCounters, zeroCounters } from './counters.js';
import type { BucketPart, HistorySample } from './history-sample.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 3, 10, 0, 0);

interface SampleSpec {
  datname?: string;
  identity?: number;
  minute: number;
  commits: number;
  backends?: number;
  size?: number | null;
  statsReset?: number | null;
  creationTime?: number | null;
}

function sample(spec: SampleSpec): HistorySample {
  return {
    datname: spec.datname ?? 'app',
    identity: spec.identity ?? 1,
    ts: T0 + spec.minute * MINUTE,
    numbackends: spec.backends ?? 1,
    sizeBytes: spec.size === undefined ? null : spec.size,
    statsReset: spec.statsReset ?? null,
    postmasterStart: T0 - 86_400_000,
    creationTime: spec.creationTime,
    counters: mapCounters((counter) => (counter === 'xact_commit' ? spec.commits : 0)),
  };
}

function part(
  minute: number,
  commits: number,
  extra: Partial<Omit<BucketPart, 'events'>> = {},
): BucketPart {
  return {
    ts: T0 + minute * MINUTE,
    datname: 'app',
    samples: 1,
    backendsSum: 1,
    backendsMax: 1,
    backendsMin: 1,
    sizeMax: null,
    events: { ...zeroCounters(), xact_commit: commits },
    ...extra,
  };
}

const commitsOf = (parts: BucketPart[]) => parts.map((piece) => piece.events.xact_commit);

describe(samplesToParts.name, () => {
  it('returns one piece per sample inside the period, with the events since the previous sample', () => {
    const samples = [0, 5, 10, 15].map((minute) => sample({ minute, commits: 1000 + minute * 20 }));
    const parts = samplesToParts(samples, T0, T0 + 15 * MINUTE);
    assert.deepEqual(
      parts.map((piece) => piece.ts),
      samples.map((s) => s.ts),
    );
    assert.deepEqual(commitsOf(parts), [0, 100, 100, 100]);
    assert.ok(parts.every((piece) => piece.samples === 1));
  });

  it('returns the first interval of the period from a sample before the period', () => {
    const samples = [0, 5, 10].map((minute) => sample({ minute, commits: 1000 + minute * 20 }));
    const parts = samplesToParts(samples, T0 + MINUTE, T0 + 10 * MINUTE);
    assert.deepEqual(
      parts.map((piece) => piece.ts),
      [T0 + 5 * MINUTE, T0 + 10 * MINUTE],
    );
    assert.deepEqual(commitsOf(parts), [100, 100]);
  });

  it('returns nothing for samples after the end of the period', () => {
    const samples = [0, 5, 10].map((minute) => sample({ minute, commits: minute }));
    assert.equal(samplesToParts(samples, T0, T0 + 4 * MINUTE).length, 1);
    assert.deepEqual(samplesToParts(samples, T0 + 11 * MINUTE, T0 + 20 * MINUTE), []);
  });

  it('returns backends and counts of each sample as they are', () => {
    const parts = samplesToParts(
      [
        sample({ minute: 0, commits: 0, backends: 7 }),
        sample({ minute: 5, commits: 0, backends: 3 }),
      ],
      T0,
      T0 + HOUR,
    );
    assert.deepEqual(
      parts.map((piece) => [piece.backendsSum, piece.backendsMax, piece.backendsMin]),
      [
        [7, 7, 7],
        [3, 3, 3],
      ],
    );
  });

  it('returns zero events (never negative) for a reset of unknown time and counts after it', () => {
    const samples = [
      sample({ minute: 0, commits: 500 }),
      sample({ minute: 5, commits: 600 }),
      sample({ minute: 10, commits: 20 }),
      sample({ minute: 15, commits: 50 }),
    ];
    assert.deepEqual(commitsOf(samplesToParts(samples, T0, T0 + HOUR)), [0, 100, 0, 30]);
  });

  it('returns zero for only the counter that went down, and the other counters as they grew', () => {
    const withRollbacks = (minute: number, commits: number, rollbacks: number): HistorySample => {
      const base = sample({ minute, commits });
      return { ...base, counters: { ...base.counters, xact_rollback: rollbacks } };
    };
    const samples = [
      withRollbacks(0, 500, 40),
      withRollbacks(5, 600, 3),
      withRollbacks(10, 650, 9),
    ];
    const parts = samplesToParts(samples, T0, T0 + HOUR);
    assert.deepEqual(commitsOf(parts), [0, 100, 50]);
    assert.deepEqual(
      parts.map((piece) => piece.events.xact_rollback),
      [0, 0, 6],
    );
  });

  it('returns the counters since a stats reset made between two samples', () => {
    const samples = [
      sample({ minute: 0, commits: 500 }),
      sample({ minute: 5, commits: 20, statsReset: T0 + 2 * MINUTE }),
      sample({ minute: 10, commits: 50, statsReset: T0 + 2 * MINUTE }),
    ];
    assert.deepEqual(commitsOf(samplesToParts(samples, T0, T0 + HOUR)), [0, 20, 30]);
  });

  it('returns a new series for each database, whatever the previous database counted', () => {
    const samples = [
      sample({ datname: 'a', minute: 0, commits: 9000 }),
      sample({ datname: 'a', minute: 5, commits: 9100 }),
      sample({ datname: 'b', identity: 2, minute: 0, commits: 10 }),
      sample({ datname: 'b', identity: 2, minute: 5, commits: 15 }),
    ];
    const parts = samplesToParts(samples, T0, T0 + HOUR);
    // Ordered by time, then database.
    assert.deepEqual(
      parts.map((piece) => [piece.datname, piece.events.xact_commit]),
      [
        ['a', 0],
        ['b', 0],
        ['a', 100],
        ['b', 5],
      ],
    );
  });

  it('returns the size carried forward between size measurements of the same database', () => {
    const samples = [
      sample({ minute: 0, commits: 0, size: 1000 }),
      sample({ minute: 5, commits: 0 }),
      sample({ minute: 10, commits: 0 }),
      sample({ minute: 15, commits: 0, size: 2000 }),
      sample({ minute: 20, commits: 0 }),
    ];
    const parts = samplesToParts(samples, T0, T0 + HOUR);
    assert.deepEqual(
      parts.map((piece) => piece.sizeMax),
      [1000, 1000, 1000, 2000, 2000],
    );
  });

  it('returns the size measured before the period for the pieces inside it', () => {
    const samples = [
      sample({ minute: 0, commits: 0, size: 1234 }),
      sample({ minute: 5, commits: 0 }),
    ];
    const parts = samplesToParts(samples, T0 + MINUTE, T0 + HOUR);
    assert.deepEqual(
      parts.map((piece) => piece.sizeMax),
      [1234],
    );
  });

  it('returns no size before the first measurement', () => {
    const samples = [
      sample({ minute: 0, commits: 0 }),
      sample({ minute: 5, commits: 0, size: 10 }),
    ];
    assert.deepEqual(
      samplesToParts(samples, T0, T0 + HOUR).map((piece) => piece.sizeMax),
      [null, 10],
    );
  });

  it('returns no size carried from another database or another incarnation', () => {
    const samples = [
      sample({ datname: 'a', minute: 0, commits: 0, size: 1000 }),
      sample({ datname: 'b', identity: 2, minute: 5, commits: 0 }),
      sample({ datname: 'c', identity: 3, minute: 0, commits: 0, size: 3000 }),
      sample({ datname: 'c', identity: 4, minute: 5, commits: 0, creationTime: T0 + MINUTE }),
    ];
    assert.deepEqual(
      samplesToParts(samples, T0, T0 + HOUR).map((piece) => [piece.datname, piece.sizeMax]),
      [
        ['a', 1000],
        ['c', 3000],
        ['b', null],
        ['c', null],
      ],
    );
  });

  it('returns the new counters of a database re-created after the previous sample', () => {
    const samples = [
      sample({ identity: 1, minute: 0, commits: 5000 }),
      sample({ identity: 2, minute: 5, commits: 40, creationTime: T0 + 2 * MINUTE }),
      sample({ identity: 2, minute: 10, commits: 90, creationTime: T0 + 2 * MINUTE }),
    ];
    assert.deepEqual(commitsOf(samplesToParts(samples, T0, T0 + HOUR)), [0, 40, 50]);
  });

  it('returns zero for the first sample of a re-created database of unknown creation time', () => {
    const samples = [
      sample({ identity: 1, minute: 0, commits: 5000 }),
      sample({ identity: 2, minute: 5, commits: 40 }),
      sample({ identity: 2, minute: 10, commits: 90 }),
    ];
    assert.deepEqual(commitsOf(samplesToParts(samples, T0, T0 + HOUR)), [0, 0, 50]);
  });
});

describe(mergeIntoBuckets.name, () => {
  it('returns one bucket per UTC hour and database with sums, extremes and the largest size', () => {
    const parts = [
      part(0, 100, { backendsSum: 4, backendsMax: 4, backendsMin: 4, sizeMax: 10 }),
      part(20, 200, { backendsSum: 8, backendsMax: 8, backendsMin: 8, sizeMax: null }),
      part(59, 300, { backendsSum: 2, backendsMax: 2, backendsMin: 2, sizeMax: 30 }),
      part(60, 5, { backendsSum: 1, backendsMax: 1, backendsMin: 1, sizeMax: 5 }),
    ];
    const buckets = mergeIntoBuckets(parts, 'hour');
    assert.equal(buckets.length, 2);
    const [first, second] = buckets;
    assert.deepEqual(
      { ...first, events: first?.events.xact_commit },
      {
        ts: T0,
        datname: 'app',
        samples: 3,
        backendsSum: 14,
        backendsMax: 8,
        backendsMin: 2,
        sizeMax: 30,
        events: 600,
      },
    );
    assert.equal(second?.ts, T0 + HOUR);
    assert.equal(second?.events.xact_commit, 5);
  });

  it('returns every counter summed', () => {
    const a = part(0, 0);
    const b = part(10, 0);
    a.events = mapCounters(() => 2);
    b.events = mapCounters(() => 3);
    const [bucket] = mergeIntoBuckets([a, b], '4hour');
    assert.deepEqual(
      bucket?.events,
      mapCounters(() => 5),
    );
  });

  it('returns merged pieces that were hourly rows (samples > 1) with their counts added', () => {
    const hours = [0, 1, 2, 3, 4].map((hour) =>
      part(hour * 60, 1200, { samples: 12, backendsSum: 60, backendsMax: 9, backendsMin: 0 }),
    );
    const buckets = mergeIntoBuckets(hours, '4hour');
    assert.deepEqual(
      buckets.map((bucket) => [
        bucket.ts,
        bucket.samples,
        bucket.backendsSum,
        bucket.events.xact_commit,
      ]),
      [
        [Date.UTC(2025, 5, 3, 8), 24, 120, 2400],
        [Date.UTC(2025, 5, 3, 12), 36, 180, 3600],
      ],
    );
  });

  it('returns buckets aligned to UTC days for day', () => {
    const late = part(13 * 60 + 59, 1); // 23:59 UTC
    const early = part(14 * 60, 1); // 00:00 UTC the next day
    assert.deepEqual(
      mergeIntoBuckets([late, early], 'day').map((bucket) => new Date(bucket.ts).toISOString()),
      ['2025-06-03T00:00:00.000Z', '2025-06-04T00:00:00.000Z'],
    );
  });

  it('returns buckets ordered by time, then database name', () => {
    const parts = [
      part(70, 1, { datname: 'b' }),
      part(10, 1, { datname: 'b' }),
      part(65, 1, { datname: 'a' }),
      part(5, 1, { datname: 'a' }),
    ];
    assert.deepEqual(
      mergeIntoBuckets(parts, 'hour').map((bucket) => [bucket.ts - T0, bucket.datname]),
      [
        [0, 'a'],
        [0, 'b'],
        [HOUR, 'a'],
        [HOUR, 'b'],
      ],
    );
  });

  it('returns no size when no piece of the bucket had one', () => {
    const [bucket] = mergeIntoBuckets([part(0, 1), part(1, 1)], 'hour');
    assert.equal(bucket?.sizeMax, null);
  });

  it('leaves the pieces it was given unchanged', () => {
    const first = part(0, 100);
    const second = part(1, 50);
    mergeIntoBuckets([first, second], 'hour');
    assert.equal(first.events.xact_commit, 100);
    assert.equal(first.samples, 1);
    assert.equal(first.ts, T0);
  });
});

describe(latestPerDatabase.name, () => {
  it('returns the newest sample at or before the end per database', () => {
    const samples = [
      sample({ datname: 'a', minute: 0, commits: 0, backends: 1, size: 100 }),
      sample({ datname: 'a', minute: 5, commits: 0, backends: 2, size: 200 }),
      sample({ datname: 'a', minute: 10, commits: 0, backends: 3, size: 300 }),
      sample({ datname: 'b', identity: 2, minute: 0, commits: 0, backends: 7, size: 70 }),
    ];
    const latest = latestPerDatabase(samples, T0 + 5 * MINUTE);
    assert.deepEqual(latest, [
      { datname: 'a', ts: T0 + 5 * MINUTE, numbackends: 2, sizeBytes: 200 },
      { datname: 'b', ts: T0, numbackends: 7, sizeBytes: 70 },
    ]);
  });

  it('returns the last measured size when the newest sample has none', () => {
    const samples = [
      sample({ minute: 0, commits: 0, size: 100 }),
      sample({ minute: 5, commits: 0, backends: 4 }),
    ];
    assert.deepEqual(latestPerDatabase(samples, T0 + HOUR), [
      { datname: 'app', ts: T0 + 5 * MINUTE, numbackends: 4, sizeBytes: 100 },
    ]);
  });

  it('returns nothing when every sample is after the end', () => {
    assert.deepEqual(latestPerDatabase([sample({ minute: 5, commits: 0 })], T0), []);
  });
});

describe(maxOrNull.name, () => {
  it('returns the larger value, ignoring null', () => {
    assert.equal(maxOrNull(null, null), null);
    assert.equal(maxOrNull(null, 3), 3);
    assert.equal(maxOrNull(3, null), 3);
    assert.equal(maxOrNull(2, 5), 5);
    assert.equal(maxOrNull(0, -1), 0);
  });
});
