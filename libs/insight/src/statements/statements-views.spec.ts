import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import type { StatementMetricColumns } from '#store';
import { zeroMetrics } from './interval-rows.js';
import type { SeriesSums } from './statements-reader.js';
import { parseQueryid, queryEntryView, timelineView, topSeries } from './statements-views.js';

function metrics(values: Partial<StatementMetricColumns>): StatementMetricColumns {
  return { ...zeroMetrics(), ...values };
}

function series(id: number, queryid: string, values: Partial<StatementMetricColumns>): SeriesSums {
  return { id, queryid, datname: 'app', usename: 'app', toplevel: 1, metrics: metrics(values) };
}

describe(topSeries.name, () => {
  const all = [
    series(1, 'a', { calls: 10, exec_time_us: 5000, rows: 1 }),
    series(2, 'b', { calls: 500, exec_time_us: 2000, rows: 50, temp_blks_written: 3 }),
    series(3, 'c', { calls: 1, exec_time_us: 3000, shared_blks_read: 9 }),
  ];
  const order = (sort: Parameters<typeof topSeries>[1]) =>
    topSeries(all, sort, 10).map((s) => s.queryid);

  it('returns the largest first for every sort', () => {
    assert.deepEqual(order('total_exec_time'), ['a', 'c', 'b']);
    assert.deepEqual(order('calls'), ['b', 'a', 'c']);
    assert.deepEqual(order('mean_exec_time'), ['c', 'a', 'b']);
    assert.deepEqual(order('rows'), ['b', 'a', 'c']);
    assert.deepEqual(order('shared_blks_read'), ['c', 'a', 'b']);
    assert.deepEqual(order('temp_blks_written'), ['b', 'a', 'c']);
  });

  it('returns at most limit entries', () => {
    assert.equal(topSeries(all, 'calls', 2).length, 2);
  });
});

describe(queryEntryView.name, () => {
  it('returns milliseconds, the mean and the share of the total time', () => {
    const view = queryEntryView(
      series(1, '-81723645123', { calls: 500, exec_time_us: 2_100_500, rows: 500 }),
      { query: 'select * from orders where id = $1', truncated: false },
      5_400_200,
    );
    assert.equal(view.calls, 500);
    assert.equal(view.total_exec_time_ms, 2100.5);
    assert.equal(view.mean_exec_time_ms, 4.201);
    assert.equal(view.share_of_total_time, 0.389);
    assert.equal(view.queryid, '-81723645123');
    assert.equal(view.toplevel, true);
  });

  it('returns a mean of 0 without calls and null toplevel before PostgreSQL 14', () => {
    const view = queryEntryView(
      { ...series(1, '1', { plan_time_us: 10 }), toplevel: 2 },
      undefined,
      0,
    );
    assert.equal(view.mean_exec_time_ms, 0);
    assert.equal(view.share_of_total_time, 0);
    assert.equal(view.toplevel, null);
    assert.equal(view.query, null);
  });

  it('describes the other row', () => {
    assert.match(
      queryEntryView(series(1, 'other', {}), undefined, 0).query ?? '',
      /outside the top/,
    );
  });
});

describe(timelineView.name, () => {
  it('returns points merged into UTC buckets', () => {
    const hour = Date.UTC(2025, 5, 3, 2);
    const points = [
      { ts: hour + 60_000, metrics: metrics({ calls: 2, exec_time_us: 4000 }) },
      { ts: hour + 120_000, metrics: metrics({ calls: 3, exec_time_us: 1000 }) },
      { ts: hour + 3_600_000, metrics: metrics({ calls: 1, exec_time_us: 1000 }) },
    ];
    assert.deepEqual(
      timelineView(points, 'hour').map((p) => [
        p.ts,
        p.calls,
        p.total_exec_time_ms,
        p.mean_exec_time_ms,
      ]),
      [
        ['2025-06-03T02:00:00.000Z', 5, 5, 1],
        ['2025-06-03T03:00:00.000Z', 1, 1, 1],
      ],
    );
    assert.equal(timelineView(points, 'raw').length, 3);
  });
});

describe(parseQueryid.name, () => {
  it('returns 64-bit integers in canonical form, and "other"', () => {
    assert.equal(parseQueryid('-9223372036854775808'), '-9223372036854775808');
    assert.equal(parseQueryid('9223372036854775807'), '9223372036854775807');
    assert.equal(parseQueryid('007'), '7');
    assert.equal(parseQueryid('other'), 'other');
  });

  for (const bad of ['9223372036854775808', '1.5', 'abc', '', '--1', '1e5']) {
    it(`throws a 422 on queryid for ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseQueryid(bad), UnprocessableEntityException);
    });
  }
});
