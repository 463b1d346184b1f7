import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregationFor, type DateRange } from '#history';
import { periodPlan, timelinePlan } from './period-plan.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 5, 10, 12, 34, 56, 789);
const ROLLED = Date.UTC(2025, 5, 10, 12);

function range(start: number, end: number): DateRange {
  return { start, end, aggregation: aggregationFor(start, end) };
}

describe(periodPlan.name, () => {
  const rawFrom = NOW - 2 * DAY;

  it('returns whole hours from the rollup and the partial edges from the rows', () => {
    const plan = periodPlan(range(NOW - DAY, NOW), rawFrom, ROLLED);
    const firstWhole = Date.UTC(2025, 5, 9, 13);
    assert.equal(plan.aggregation, 'raw');
    assert.deepEqual(plan.hours, [firstWhole, ROLLED]);
    assert.deepEqual(plan.raw, [
      [NOW - DAY, firstWhole],
      [ROLLED, NOW + 1],
    ]);
  });

  it('returns the hours not rolled up yet from the rows', () => {
    const plan = periodPlan(range(NOW - DAY, NOW), rawFrom, ROLLED - 3 * HOUR);
    assert.deepEqual(plan.hours, [Date.UTC(2025, 5, 9, 13), ROLLED - 3 * HOUR]);
    assert.deepEqual(plan.raw[1], [ROLLED - 3 * HOUR, NOW + 1]);
  });

  it('returns only rows when nothing is rolled up, or the rollup is older than the period', () => {
    for (const rolled of [null, NOW - 5 * DAY]) {
      const plan = periodPlan(range(NOW - DAY, NOW), rawFrom, rolled);
      assert.equal(plan.hours, null);
      const first = Date.UTC(2025, 5, 9, 13);
      assert.deepEqual(plan.raw, [
        [NOW - DAY, first],
        [first, NOW + 1],
      ]);
    }
  });

  it('returns no edge for a period aligned to hours (the end is included)', () => {
    const start = Date.UTC(2025, 5, 10, 2);
    const plan = periodPlan(range(start, start + 2 * HOUR - 1), rawFrom, ROLLED);
    assert.deepEqual(plan.hours, [start, start + 2 * HOUR]);
    assert.deepEqual(plan.raw, []);
  });

  it('returns only rows for a period inside one hour', () => {
    const start = Date.UTC(2025, 5, 10, 2, 10);
    const plan = periodPlan(range(start, start + 20 * 60_000), rawFrom, ROLLED);
    assert.equal(plan.hours, null);
    assert.deepEqual(plan.raw, [[start, start + 20 * 60_000 + 1]]);
  });

  it('returns whole hours only, and at least "hour", for a period older than the rows kept', () => {
    const start = NOW - 3 * DAY;
    const plan = periodPlan(range(start, start + DAY), rawFrom, ROLLED);
    assert.equal(plan.aggregation, 'hour');
    assert.deepEqual(plan.hours, [Date.UTC(2025, 5, 7, 12), Date.UTC(2025, 5, 8, 13)]);
    assert.deepEqual(plan.raw, []);
  });

  it('returns the current hour from the rows for a long period up to now', () => {
    const plan = periodPlan(range(NOW - 7 * DAY, NOW), rawFrom, ROLLED);
    assert.equal(plan.aggregation, 'hour');
    assert.deepEqual(plan.hours, [Date.UTC(2025, 5, 3, 12), ROLLED]);
    assert.deepEqual(plan.raw, [[ROLLED, NOW + 1]]);
    assert.equal(periodPlan(range(NOW - 30 * DAY, NOW), rawFrom, ROLLED).aggregation, '4hour');
  });
});

describe(timelinePlan.name, () => {
  it('returns every row of the period for a raw timeline', () => {
    const period = range(NOW - DAY, NOW);
    assert.deepEqual(timelinePlan(periodPlan(period, 0, ROLLED), period), {
      aggregation: 'raw',
      hours: null,
      raw: [[NOW - DAY, NOW + 1]],
    });
  });

  it('returns the plan itself for coarser timelines', () => {
    const period = range(NOW - 7 * DAY, NOW);
    const plan = periodPlan(period, NOW - 2 * DAY, ROLLED);
    assert.equal(timelinePlan(plan, period), plan);
  });
});
