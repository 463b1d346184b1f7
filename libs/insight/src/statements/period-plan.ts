import type { Aggregation, DateRange } from '#history';

const MINUTE_MS = 60_000;
/** Rollup spans: 10 minutes (kept as long as the per-interval rows) and an hour. */
export const TILE_MS = 10 * MINUTE_MS;
export const HOUR_MS = 60 * MINUTE_MS;

/** Half-open [from, to) spans of time, in epoch ms. */
export type Span = [from: number, to: number];

/** Up to where each rollup is written (spans before it are in statement_rollups). */
export interface RolledUp {
  tiles: number | null;
  hours: number | null;
}

/**
 * Where a period's numbers come from: the rollups for the whole hours and whole 10-minute spans
 * inside it that are rolled up, the per-interval rows for the rest (the partial spans at its
 * edges, and what is not rolled up yet). All hold the same totals (a rollup is the sum of its
 * span's rows: the top statements of the span plus "other"), so the answer is exact to the
 * reading, and long periods read few rows. A period reaching back before the per-interval rows
 * kept (STATEMENTS_RAW_RETENTION_HOURS) is answered in whole hours, and says so (aggregation at
 * least "hour").
 */
export interface PeriodPlan {
  aggregation: Aggregation;
  rollups: { spanMs: number; span: Span }[];
  raw: Span[];
}

/** The plan for [range.start, range.end] (both included), with rows kept from `rawFrom`. */
export function periodPlan(range: DateRange, rawFrom: number, rolled: RolledUp): PeriodPlan {
  const end = range.end + 1;
  const plan: PeriodPlan = { aggregation: range.aggregation, rollups: [], raw: [] };
  if (range.start < rawFrom) {
    // Whole hours around the period; those not rolled up yet come from the finer data.
    plan.aggregation = range.aggregation === 'raw' ? 'hour' : range.aggregation;
    const from = floorTo(range.start, HOUR_MS);
    const to = Math.min(
      floorTo(range.end, HOUR_MS) + HOUR_MS,
      Math.max(from, rolled.hours ?? from),
    );
    if (to > from) plan.rollups.push({ spanMs: HOUR_MS, span: [from, to] });
    if (to < end) fill(plan, [Math.max(to, range.start), end], TILE_MS, rolled.tiles, null);
    return plan;
  }
  fill(plan, [range.start, end], HOUR_MS, rolled.hours, rolled.tiles);
  return plan;
}

/**
 * Covers `span` with the whole rolled-up spans of `spanMs` it holds, and the rest with the next
 * finer level: 10-minute rollups (`finer` is their mark), then per-interval rows.
 */
function fill(
  plan: PeriodPlan,
  [from, to]: Span,
  spanMs: number,
  mark: number | null,
  finer: number | null,
): void {
  const wholeFrom = ceilTo(from, spanMs);
  const wholeTo = Math.min(floorTo(to, spanMs), mark ?? wholeFrom);
  if (wholeTo <= wholeFrom) {
    refine(plan, [from, to], spanMs, finer);
    return;
  }
  plan.rollups.push({ spanMs, span: [wholeFrom, wholeTo] });
  if (from < wholeFrom) refine(plan, [from, wholeFrom], spanMs, finer);
  if (wholeTo < to) refine(plan, [wholeTo, to], spanMs, finer);
}

function refine(plan: PeriodPlan, span: Span, spanMs: number, finer: number | null): void {
  if (spanMs === HOUR_MS) fill(plan, span, TILE_MS, finer, null);
  else plan.raw.push(span);
}

/** A raw timeline needs every row of the period; coarser ones can use the plan as it is. */
export function timelinePlan(plan: PeriodPlan, range: DateRange): PeriodPlan {
  return plan.aggregation === 'raw'
    ? { aggregation: 'raw', rollups: [], raw: [[range.start, range.end + 1]] }
    : plan;
}

export function floorTo(ts: number, spanMs: number): number {
  return ts - (((ts % spanMs) + spanMs) % spanMs);
}

function ceilTo(ts: number, spanMs: number): number {
  const floor = floorTo(ts, spanMs);
  return floor === ts ? ts : floor + spanMs;
}
