import { hourOf, type Aggregation, type DateRange } from '#history';

const HOUR_MS = 3_600_000;

/** Half-open [from, to) spans of time, in epoch ms. */
export type Span = [from: number, to: number];

/**
 * Where a period's numbers come from: hourly rollups for the whole hours inside it that are
 * rolled up, per-interval rows for the rest (the partial hours at its edges, and the hours not
 * rolled up yet). Both hold the same totals (a rollup is the sum of its hour's rows, the top
 * statements of the hour plus "other"), and long periods read few rows. A period reaching back
 * before the per-interval rows kept (STATEMENTS_RAW_RETENTION_HOURS) is answered from whole
 * hours, and says so (aggregation at least "hour").
 */
export interface PeriodPlan {
  aggregation: Aggregation;
  hours: Span | null;
  raw: Span[];
}

/**
 * The plan for [range.start, range.end] (both included), with rows kept from `rawFrom` and
 * hours rolled up before `rolledUpTo` (null: none yet).
 */
export function periodPlan(
  range: DateRange,
  rawFrom: number,
  rolledUpTo: number | null,
): PeriodPlan {
  const end = range.end + 1;
  const old = range.start < rawFrom;
  const aggregation = old && range.aggregation === 'raw' ? 'hour' : range.aggregation;
  const hoursFrom =
    old || hourOf(range.start) === range.start
      ? hourOf(range.start)
      : hourOf(range.start) + HOUR_MS;
  const hoursTo = old ? hourOf(range.end) + HOUR_MS : hourOf(end);
  if (hoursFrom >= hoursTo) return { aggregation, hours: null, raw: [[range.start, end]] };
  const split = Math.min(Math.max(rolledUpTo ?? hoursFrom, hoursFrom), hoursTo);
  const raw: Span[] = [];
  if (range.start < hoursFrom) raw.push([range.start, hoursFrom]);
  if (split < end) raw.push([split, end]);
  return { aggregation, hours: split > hoursFrom ? [hoursFrom, split] : null, raw };
}

/** A raw timeline needs every row of the period; coarser ones can use the plan as it is. */
export function timelinePlan(plan: PeriodPlan, range: DateRange): PeriodPlan {
  return plan.aggregation === 'raw'
    ? { ...plan, hours: null, raw: [[range.start, range.end + 1]] }
    : plan;
}
