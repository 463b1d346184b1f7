import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intervalRows, METRIC_COLUMNS, storedMetrics } from './interval-rows.js';
import type { StatementDelta } from './statement-deltas.js';
import { STATEMENT_COUNTERS } from './statement-reading.js';

/** Index of each counter in an entry's `counters`. */
const COUNTER_INDEX = Object.fromEntries(
  STATEMENT_COUNTERS.map((counter, index) => [counter, index]),
) as Record<(typeof STATEMENT_COUNTERS)[number], number>;

function delta(queryid: string, execMs: number, calls = 1): StatementDelta {
  const values = STATEMENT_COUNTERS.map(() => 1);
  values[COUNTER_INDEX.exec_time] = execMs;
  values[COUNTER_INDEX.plan_time] = 0;
  values[COUNTER_INDEX.calls] = calls;
  return {
    entry: { queryid, dbid: 1, userid: 1, toplevel: 1, counters: values, statsSince: null },
    values,
  };
}

describe(intervalRows.name, () => {
  it('keeps the top statements by total time and sums the rest into one row', () => {
    const rows = intervalRows([delta('a', 1), delta('b', 30), delta('c', 20), delta('d', 0.5)], 2);
    assert.deepEqual(
      rows.top.map((row) => row.delta.entry.queryid),
      ['b', 'c'],
    );
    assert.equal(rows.other?.calls, 2);
    assert.equal(rows.other?.exec_time_us, 1500);
  });

  it('returns no other row when everything fits', () => {
    assert.equal(intervalRows([delta('a', 1)], 200).other, null);
  });

  it('ranks by planning time too, then by calls, then by key', () => {
    const planned = delta('p', 1);
    planned.values[COUNTER_INDEX.plan_time] = 10;
    const rows = intervalRows([delta('x', 5, 1), delta('y', 5, 3), planned], 3);
    assert.deepEqual(
      rows.top.map((row) => row.delta.entry.queryid),
      ['p', 'y', 'x'],
    );
  });

  it('returns stored rows that add up to the total of the interval', () => {
    const deltas = Array.from({ length: 50 }, (_, index) =>
      delta(String(index), index * 1.0007, index + 1),
    );
    const rows = intervalRows(deltas, 7);
    for (const column of METRIC_COLUMNS) {
      const stored = rows.top.reduce(
        (sum, row) => sum + row.metrics[column],
        rows.other?.[column] ?? 0,
      );
      const expected = deltas.reduce((sum, one) => sum + storedMetrics(one.values)[column], 0);
      assert.equal(stored, expected, column);
    }
  });
});

describe(storedMetrics.name, () => {
  it('returns counts as they are and times in whole microseconds', () => {
    const values = STATEMENT_COUNTERS.map(() => 0);
    values[COUNTER_INDEX.calls] = 500;
    values[COUNTER_INDEX.exec_time] = 2100.5004;
    values[COUNTER_INDEX.blk_read_time] = 0.0004;
    values[COUNTER_INDEX.wal_bytes] = 8192;
    const metrics = storedMetrics(values);
    assert.equal(metrics.calls, 500);
    assert.equal(metrics.exec_time_us, 2_100_500);
    assert.equal(metrics.blk_read_time_us, 0);
    assert.equal(metrics.wal_bytes, 8192);
  });
});
