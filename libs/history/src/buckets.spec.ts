import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregationFor, BUCKET_MS, bucketStart, hourOf, type Aggregation } from './buckets.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const utc = (text: string) => Date.parse(text);
const iso = (ms: number) => new Date(ms).toISOString();

describe(aggregationFor.name, () => {
  const start = utc('2025-06-01T00:00:00Z');
  const cases: [string, number, Aggregation][] = [
    ['an empty period', 0, 'raw'],
    ['1 day', DAY, 'raw'],
    ['exactly 2 days', 2 * DAY, 'raw'],
    ['2 days and 1 ms', 2 * DAY + 1, 'hour'],
    ['3 days', 3 * DAY, 'hour'],
    ['exactly 14 days', 14 * DAY, 'hour'],
    ['14 days and 1 ms', 14 * DAY + 1, '4hour'],
    ['30 days', 30 * DAY, '4hour'],
    ['exactly 90 days', 90 * DAY, '4hour'],
    ['90 days and 1 ms', 90 * DAY + 1, 'day'],
    ['100 days', 100 * DAY, 'day'],
    ['10 years', 3650 * DAY, 'day'],
  ];
  for (const [what, length, expected] of cases) {
    it(`returns ${expected} for ${what}`, () => {
      assert.equal(aggregationFor(start, start + length), expected);
    });
  }

  it('returns the same level wherever the period starts (only its length counts)', () => {
    for (const offset of [0, 17 * 60_000, 5 * HOUR + 1, 123 * DAY]) {
      assert.equal(aggregationFor(start + offset, start + offset + 3 * DAY), 'hour');
    }
  });
});

describe(bucketStart.name, () => {
  it('returns the timestamp itself for raw', () => {
    const ts = utc('2025-06-03T10:17:42.123Z');
    assert.equal(bucketStart(ts, 'raw'), ts);
  });

  const cases: [Exclude<Aggregation, 'raw'>, string, string][] = [
    ['hour', '2025-06-03T10:00:00.000Z', '2025-06-03T10:00:00.000Z'],
    ['hour', '2025-06-03T10:59:59.999Z', '2025-06-03T10:00:00.000Z'],
    ['hour', '2025-06-03T11:00:00.000Z', '2025-06-03T11:00:00.000Z'],
    ['hour', '2025-06-03T23:30:00.000Z', '2025-06-03T23:00:00.000Z'],
    ['4hour', '2025-06-03T00:00:00.000Z', '2025-06-03T00:00:00.000Z'],
    ['4hour', '2025-06-03T03:59:59.999Z', '2025-06-03T00:00:00.000Z'],
    ['4hour', '2025-06-03T04:00:00.000Z', '2025-06-03T04:00:00.000Z'],
    ['4hour', '2025-06-03T10:17:00.000Z', '2025-06-03T08:00:00.000Z'],
    ['4hour', '2025-06-03T23:59:59.999Z', '2025-06-03T20:00:00.000Z'],
    ['day', '2025-06-03T00:00:00.000Z', '2025-06-03T00:00:00.000Z'],
    ['day', '2025-06-03T23:59:59.999Z', '2025-06-03T00:00:00.000Z'],
    ['day', '2025-06-04T00:00:00.000Z', '2025-06-04T00:00:00.000Z'],
    ['day', '2024-02-29T12:00:00.000Z', '2024-02-29T00:00:00.000Z'],
    ['day', '2024-12-31T23:59:59.999Z', '2024-12-31T00:00:00.000Z'],
    // Before the epoch the remainder is negative: the bucket must still start at or before ts.
    ['hour', '1969-12-31T23:30:00.000Z', '1969-12-31T23:00:00.000Z'],
    ['4hour', '1969-12-31T21:00:00.000Z', '1969-12-31T20:00:00.000Z'],
    ['day', '1969-12-31T06:00:00.000Z', '1969-12-31T00:00:00.000Z'],
  ];
  for (const [aggregation, ts, expected] of cases) {
    it(`returns ${expected} for ${ts} by ${aggregation}`, () => {
      assert.equal(iso(bucketStart(utc(ts), aggregation)), expected);
    });
  }

  it('returns multiples of the bucket size (UTC-aligned), at or before ts, within one bucket', () => {
    for (const aggregation of ['hour', '4hour', 'day'] as const) {
      const size = BUCKET_MS[aggregation];
      for (
        let ts = utc('2025-03-29T22:13:00Z');
        ts < utc('2025-04-02T03:00:00Z');
        ts += 7 * 60_000
      ) {
        const bucket = bucketStart(ts, aggregation);
        assert.equal(bucket % size, 0, `${aggregation} ${iso(ts)} -> ${iso(bucket)}`);
        assert.ok(bucket <= ts && ts - bucket < size, `${aggregation} ${iso(ts)}`);
        assert.equal(bucketStart(bucket, aggregation), bucket, 'idempotent');
      }
    }
  });

  it('returns the sizes 1, 4 and 24 hours', () => {
    assert.deepEqual(BUCKET_MS, { hour: HOUR, '4hour': 4 * HOUR, day: DAY });
  });
});

describe(hourOf.name, () => {
  it('returns the start of the UTC hour', () => {
    assert.equal(iso(hourOf(utc('2025-06-03T10:59:59.999Z'))), '2025-06-03T10:00:00.000Z');
    assert.equal(hourOf(utc('2025-06-03T10:00:00Z')), utc('2025-06-03T10:00:00Z'));
  });
});
