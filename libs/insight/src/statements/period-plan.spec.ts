import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregationFor, type DateRange } from '#history';
import { HOUR_MS, periodPlan, TILE_MS, timelinePlan, type PeriodPlan } from './period-plan.js';

const HOUR = HOUR_MS;
const DAY = 24 * HOUR;
const at = (day: number, hour: number, minute = 0): number => Date.UTC(2025, 5, day, hour, minute);
const NOW = at(10, 12, 34) + 56_789;
/** Rolled up at the last reading: hours to 12:00, 10-minute spans to 12:30. */
const ROLLED = { hours: at(10, 12), tiles: at(10, 12, 30) };

function range(start: number, end: number): DateRange {
  return { start, end, aggregation: aggregationFor(start, end) };
}

/** Every instant of [from, to) covered exactly once by the plan's parts. */
function assertCovers(plan: PeriodPlan, from: number, to: number): void {
  const parts = [...plan.rollups.map((part) => part.span), ...plan.raw].sort((a, b) => a[0] - b[0]);
  let cursor = from;
  for (const [start, end] of parts) {
    assert.equal(start, cursor, JSON.stringify(parts));
    assert.ok(end > start);
    cursor = end;
  }
  assert.equal(cursor, to, JSON.stringify(parts));
}

describe(periodPlan.name, () => {
  const rawFrom = NOW - 2 * DAY;

  it('returns whole hours, then whole 10-minute spans, then rows at the edges', () => {
    const start = at(9, 12, 34) + 56_789;
    const plan = periodPlan(range(start, NOW), rawFrom, ROLLED);
    assert.equal(plan.aggregation, 'raw');
    assert.deepEqual(plan.rollups, [
      { spanMs: HOUR, span: [at(9, 13), at(10, 12)] },
      { spanMs: TILE_MS, span: [at(9, 12, 40), at(9, 13)] },
      { spanMs: TILE_MS, span: [at(10, 12), at(10, 12, 30)] },
    ]);
    assert.deepEqual(plan.raw, [
      [start, at(9, 12, 40)],
      [at(10, 12, 30), NOW + 1],
    ]);
    assertCovers(plan, start, NOW + 1);
  });

  it('returns the hours not rolled up yet from 10-minute spans and rows', () => {
    const plan = periodPlan(range(at(10, 8), NOW), rawFrom, {
      hours: at(10, 10),
      tiles: at(10, 12, 20),
    });
    assert.deepEqual(plan.rollups, [
      { spanMs: HOUR, span: [at(10, 8), at(10, 10)] },
      { spanMs: TILE_MS, span: [at(10, 10), at(10, 12, 20)] },
    ]);
    assert.deepEqual(plan.raw, [[at(10, 12, 20), NOW + 1]]);
  });

  it('returns only rows when nothing is rolled up', () => {
    const plan = periodPlan(range(NOW - DAY, NOW), rawFrom, { hours: null, tiles: null });
    assert.deepEqual(plan.rollups, []);
    assertCovers(plan, NOW - DAY, NOW + 1);
  });

  it('returns no edge for a period aligned to hours (the end is included)', () => {
    const start = at(10, 2);
    const plan = periodPlan(range(start, start + 2 * HOUR - 1), rawFrom, ROLLED);
    assert.deepEqual(plan.rollups, [{ spanMs: HOUR, span: [start, start + 2 * HOUR] }]);
    assert.deepEqual(plan.raw, []);
  });

  it('returns only rows for a period inside one 10-minute span', () => {
    const start = at(10, 2, 11);
    const plan = periodPlan(range(start, start + 5 * 60_000), rawFrom, ROLLED);
    assert.deepEqual(plan.rollups, []);
    assert.deepEqual(plan.raw, [[start, start + 5 * 60_000 + 1]]);
  });

  it('returns whole hours only, and at least "hour", for a period older than the rows kept', () => {
    const start = NOW - 3 * DAY;
    const plan = periodPlan(range(start, start + DAY), rawFrom, ROLLED);
    assert.equal(plan.aggregation, 'hour');
    assert.deepEqual(plan.rollups, [{ spanMs: HOUR, span: [at(7, 12), at(8, 13)] }]);
    assert.deepEqual(plan.raw, []);
  });

  it('returns the hour not rolled up yet of a long period up to now from the finer data', () => {
    const plan = periodPlan(range(NOW - 7 * DAY, NOW), rawFrom, ROLLED);
    assert.equal(plan.aggregation, 'hour');
    assert.deepEqual(plan.rollups, [
      { spanMs: HOUR, span: [at(3, 12), at(10, 12)] },
      { spanMs: TILE_MS, span: [at(10, 12), at(10, 12, 30)] },
    ]);
    assert.deepEqual(plan.raw, [[at(10, 12, 30), NOW + 1]]);
    assert.equal(periodPlan(range(NOW - 30 * DAY, NOW), rawFrom, ROLLED).aggregation, '4hour');
  });

  it('covers any period exactly once', () => {
    for (let minutes = 1; minutes < 3 * 24 * 60; minutes += 37) {
      for (const offset of [0, 7_000, 599_999, 600_000, 3_599_999]) {
        const start = at(9, 0) + offset;
        const end = start + minutes * 60_000;
        if (end > NOW) continue;
        assertCovers(periodPlan(range(start, end), rawFrom, ROLLED), start, end + 1);
      }
    }
  });
});

describe(timelinePlan.name, () => {
  it('returns every row of the period for a raw timeline', () => {
    const period = range(NOW - DAY, NOW);
    assert.deepEqual(timelinePlan(periodPlan(period, 0, ROLLED), period), {
      aggregation: 'raw',
      rollups: [],
      raw: [[NOW - DAY, NOW + 1]],
    });
  });

  it('returns the plan itself for coarser timelines', () => {
    const period = range(NOW - 7 * DAY, NOW);
    const plan = periodPlan(period, NOW - 2 * DAY, ROLLED);
    assert.equal(timelinePlan(plan, period), plan);
  });
});
