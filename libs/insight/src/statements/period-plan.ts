import { hourOf, type Aggregation, type DateRange } from '#history';

const HOUR_MS = 3_600_000;

/** Half-open [from, to) spans of time, in epoch ms. */
export type Span = [from: number, to: number];

/**
 * Where a period's numbers come from: hourly rollups for the whole hours inside it, per-interval
 * rows for the partial hours at its edges. The two hold the same sums (the rollup is the sum of
 * an hour's rows), so the answer is as exact as the rows, and long periods read few rows. A
 * period reaching back before the per-interval rows kept (STATEMENTS_RAW_RETENTION_HOURS) is
 * answered from whole hours only, and says so (aggregation at least "hour").
 */
export interface PeriodPlan {
  aggregation: Aggregation;
  hours: Span | null;
  raw: Span[];
}

/** The plan for [range.start, range.end] (both included) when rows are kept from `rawFrom`. */
export function periodPlan(range: DateRange, rawFrom: number): PeriodPlan {
  const end = range.end + 1;
  if (range.start < rawFrom) {
    return {
      aggregation: range.aggregation === 'raw' ? 'hour' : range.aggregation,
      hours: [hourOf(range.start), hourOf(range.end) + HOUR_MS],
      raw: [],
    };
  }
  const firstWhole =
    hourOf(range.start) === range.start ? range.start : hourOf(range.start) + HOUR_MS;
  const lastWholeEnd = hourOf(end);
  if (firstWhole >= lastWholeEnd)
    return { aggregation: range.aggregation, hours: null, raw: [[range.start, end]] };
  const raw: Span[] = [];
  if (range.start < firstWhole) raw.push([range.start, firstWhole]);
  if (lastWholeEnd < end) raw.push([lastWholeEnd, end]);
  return { aggregation: range.aggregation, hours: [firstWhole, lastWholeEnd], raw };
}

/** A raw timeline needs every row of the period; coarser ones can use the plan as it is. */
export function timelinePlan(plan: PeriodPlan, range: DateRange): PeriodPlan {
  return plan.aggregation === 'raw'
    ? { ...plan, hours: null, raw: [[range.start, range.end + 1]] }
    : plan;
}
