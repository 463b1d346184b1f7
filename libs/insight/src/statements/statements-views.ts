import { UnprocessableEntityException } from '@nestjs/common';
import { bucketStart, type Aggregation } from '#history';
import type { StatementMetricColumns } from '#store';
import type {
  QueryEntryView,
  QuerySort,
  StatementPointView,
  StatementTotalsView,
} from './dto/statements.dto.js';
import { addMetrics, zeroMetrics } from './interval-rows.js';
import type { SeriesSums, TimePoint } from './statements-reader.js';
import { OTHER_QUERYID } from './statements-writer.js';

/** Whole microseconds to milliseconds (exact to the microsecond). */
function ms(micros: number): number {
  return micros / 1000;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function meanMs(metrics: StatementMetricColumns): number {
  return metrics.calls > 0 ? round(metrics.exec_time_us / metrics.calls / 1000, 3) : 0;
}

export function totalsView(metrics: StatementMetricColumns): StatementTotalsView {
  return {
    calls: metrics.calls,
    total_exec_time_ms: ms(metrics.exec_time_us),
    total_plan_time_ms: ms(metrics.plan_time_us),
    rows: metrics.rows,
    shared_blks_hit: metrics.shared_blks_hit,
    shared_blks_read: metrics.shared_blks_read,
    shared_blks_dirtied: metrics.shared_blks_dirtied,
    shared_blks_written: metrics.shared_blks_written,
    temp_blks_read: metrics.temp_blks_read,
    temp_blks_written: metrics.temp_blks_written,
    blk_read_time_ms: ms(metrics.blk_read_time_us),
    blk_write_time_ms: ms(metrics.blk_write_time_us),
    wal_bytes: metrics.wal_bytes,
  };
}

/** The sum of every series. */
export function sumOf(series: { metrics: StatementMetricColumns }[]): StatementMetricColumns {
  const total = zeroMetrics();
  for (const entry of series) addMetrics(total, entry.metrics);
  return total;
}

const SORT_VALUE: Record<QuerySort, (metrics: StatementMetricColumns) => number> = {
  total_exec_time: (m) => m.exec_time_us,
  calls: (m) => m.calls,
  mean_exec_time: (m) => (m.calls > 0 ? m.exec_time_us / m.calls : 0),
  rows: (m) => m.rows,
  shared_blks_read: (m) => m.shared_blks_read,
  temp_blks_written: (m) => m.temp_blks_written,
};

/** The `limit` largest series by `sort` (ties: more execution time, then queryid). */
export function topSeries(series: SeriesSums[], sort: QuerySort, limit: number): SeriesSums[] {
  const value = SORT_VALUE[sort];
  return [...series]
    .sort(
      (a, b) =>
        value(b.metrics) - value(a.metrics) ||
        b.metrics.exec_time_us - a.metrics.exec_time_us ||
        a.queryid.localeCompare(b.queryid) ||
        a.id - b.id,
    )
    .slice(0, limit);
}

export function toplevelView(toplevel: number): boolean | null {
  return toplevel === 2 ? null : toplevel === 1;
}

export function queryEntryView(
  series: SeriesSums,
  text: { query: string; truncated: boolean } | undefined,
  totalExecUs: number,
): QueryEntryView {
  const other = series.queryid === OTHER_QUERYID;
  return {
    queryid: series.queryid,
    database: series.datname,
    user: series.usename,
    toplevel: toplevelView(series.toplevel),
    query: other ? '(statements outside the top of their interval)' : (text?.query ?? null),
    query_truncated: text?.truncated ?? false,
    ...totalsView(series.metrics),
    mean_exec_time_ms: meanMs(series.metrics),
    share_of_total_time: totalExecUs > 0 ? round(series.metrics.exec_time_us / totalExecUs, 4) : 0,
  };
}

/** Points merged into the aggregation's UTC buckets, oldest first. */
export function timelineView(points: TimePoint[], aggregation: Aggregation): StatementPointView[] {
  const buckets = new Map<number, StatementMetricColumns>();
  for (const point of points) {
    const ts = bucketStart(point.ts, aggregation);
    const bucket = buckets.get(ts);
    if (bucket) addMetrics(bucket, point.metrics);
    else buckets.set(ts, { ...point.metrics });
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, metrics]) => ({
      ts: new Date(ts).toISOString(),
      calls: metrics.calls,
      total_exec_time_ms: ms(metrics.exec_time_us),
      mean_exec_time_ms: meanMs(metrics),
      rows: metrics.rows,
      shared_blks_hit: metrics.shared_blks_hit,
      shared_blks_read: metrics.shared_blks_read,
      temp_blks_written: metrics.temp_blks_written,
    }));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A queryid from the path: a 64-bit integer in decimal, or "other"; 422 otherwise. */
export function parseQueryid(text: string): string {
  if (text === OTHER_QUERYID) return text;
  if (/^-?\d{1,20}$/.test(text)) {
    const value = BigInt(text);
    if (value >= INT64_MIN && value <= INT64_MAX) return value.toString();
  }
  throw new UnprocessableEntityException({
    detail: [
      {
        loc: ['path', 'queryid'],
        msg: 'queryid must be a 64-bit integer such as -81723645123, or "other"',
        type: 'value_error',
      },
    ],
  });
}
