import type { StatementMetricColumns } from '#store';
import type { StatementDelta } from './statement-deltas.js';
import { entryKey, STATEMENT_COUNTERS, type StatementCounter } from './statement-reading.js';

/** What one interval stores: the top statements and one row carrying all the others. */
export interface IntervalRows {
  top: { delta: StatementDelta; metrics: StatementMetricColumns }[];
  /** The sum of every statement outside the top, or null when none was left out. */
  other: StatementMetricColumns | null;
}

/** An interval's statements as stored: the top by total time and one row for the rest. */
export function intervalRows(deltas: StatementDelta[], top: number): IntervalRows {
  return keepTop(
    deltas.map((delta) => ({ delta, metrics: storedMetrics(delta.values) })),
    top,
    (row) => entryKey(row.delta.entry),
  );
}

/**
 * Keeps the `top` rows by total time (execution and planning; ties: more calls, then the key,
 * so the choice is stable) and sums the rest into one. The sums are of whole stored values, so
 * what is kept adds up to exactly the total.
 */
export function keepTop<T extends { metrics: StatementMetricColumns }>(
  rows: T[],
  top: number,
  key: (row: T) => string,
): { top: T[]; other: StatementMetricColumns | null } {
  const time = (row: T): number => row.metrics.exec_time_us + row.metrics.plan_time_us;
  const ranked = [...rows].sort(
    (a, b) =>
      time(b) - time(a) || b.metrics.calls - a.metrics.calls || key(a).localeCompare(key(b)),
  );
  const rest = ranked.slice(top);
  if (rest.length === 0) return { top: ranked, other: null };
  const other = zeroMetrics();
  for (const row of rest) addMetrics(other, row.metrics);
  return { top: ranked.slice(0, top), other };
}

/** Each counter's store column, and the factor to it (times are kept in whole microseconds). */
const STORED_AS: Record<StatementCounter, [column: keyof StatementMetricColumns, factor: number]> =
  {
    calls: ['calls', 1],
    exec_time: ['exec_time_us', 1000],
    plan_time: ['plan_time_us', 1000],
    rows: ['rows', 1],
    shared_blks_hit: ['shared_blks_hit', 1],
    shared_blks_read: ['shared_blks_read', 1],
    shared_blks_dirtied: ['shared_blks_dirtied', 1],
    shared_blks_written: ['shared_blks_written', 1],
    temp_blks_read: ['temp_blks_read', 1],
    temp_blks_written: ['temp_blks_written', 1],
    blk_read_time: ['blk_read_time_us', 1000],
    blk_write_time: ['blk_write_time_us', 1000],
    wal_bytes: ['wal_bytes', 1],
  };

/** The metric columns of the store, in STATEMENT_COUNTERS order. */
export const METRIC_COLUMNS = STATEMENT_COUNTERS.map((counter) => STORED_AS[counter][0]);

/** The store's columns of a delta: whole numbers (times in microseconds). */
export function storedMetrics(values: number[]): StatementMetricColumns {
  const metrics = {} as StatementMetricColumns;
  STATEMENT_COUNTERS.forEach((counter, index) => {
    const [column, factor] = STORED_AS[counter];
    metrics[column] = Math.round((values[index] ?? 0) * factor);
  });
  return metrics;
}

export function zeroMetrics(): StatementMetricColumns {
  const metrics = {} as StatementMetricColumns;
  for (const column of METRIC_COLUMNS) metrics[column] = 0;
  return metrics;
}

/** Adds `part` into `into` (a plain loop: this runs for every row of long periods). */
export function addMetrics(into: StatementMetricColumns, part: StatementMetricColumns): void {
  for (const column of METRIC_COLUMNS) into[column] += part[column];
}
