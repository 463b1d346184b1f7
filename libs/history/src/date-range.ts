import { UnprocessableEntityException } from '@nestjs/common';
import { aggregationFor, type Aggregation } from './buckets.js';

export const DEFAULT_RANGE_DAYS = 7;

export interface DateRange {
  start: number;
  end: number;
  aggregation: Aggregation;
}

/** What bounds a period: how much is kept (and the setting that says so), the default length. */
export interface RangeLimits {
  retentionDays: number;
  /** Named in the 422 of a period longer than the retention. */
  retentionSetting: string;
  defaultDays: number;
}

/** ISO 8601 date or date-time, with or without a zone (none means UTC). */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** OpenAPI: the dates parseQueryDate reads (surrounding spaces are trimmed). */
export const ISO_DATE_PATTERN = `^\\s*${ISO_DATE.source.slice(1, -1)}\\s*$`;
/** OpenAPI: a date of a query string, where empty means "not given". */
export const QUERY_DATE_PATTERN = `^$|${ISO_DATE_PATTERN}`;

/**
 * Parses a date of a query (or, with `location`, of a body); undefined when absent, throws 422
 * naming the parameter when invalid. Fractions beyond milliseconds are cut, not rounded.
 */
export function parseQueryDate(
  value: string | undefined,
  parameter: string,
  location: 'query' | 'body' = 'query',
): number | undefined {
  if (value === undefined || value === '') return undefined;
  const match = ISO_DATE.exec(value.trim());
  const ms = match ? Date.parse(normalize(match)) : NaN;
  if (!match || Number.isNaN(ms) || !sameCalendarDay(match)) {
    throw invalid(
      parameter,
      `${parameter} must be an ISO 8601 date such as 2025-06-03 or 2025-06-03T10:00:00Z`,
      location,
    );
  }
  return ms;
}

/**
 * The period of `start_date` and `end_date`: the end defaults to now, the start to
 * `defaultMs` before the end; 422 when the start is after the end.
 */
export function resolvePeriod(
  startText: string | undefined,
  endText: string | undefined,
  defaultMs: number,
  now = Date.now(),
): { start: number; end: number } {
  const end = parseQueryDate(endText, 'end_date') ?? now;
  const start = parseQueryDate(startText, 'start_date') ?? end - defaultMs;
  if (start > end) throw invalid('start_date', 'start_date must not be after end_date');
  return { start, end };
}

/**
 * The end of a period as a query gives it: a date alone (2025-06-03) means the end of that day
 * in UTC, as people filtering by day expect; a date-time is that instant.
 */
export function parsePeriodEnd(value: string | undefined, parameter: string): number | undefined {
  const ms = parseQueryDate(value, parameter);
  if (ms === undefined || !/^\d{4}-\d{2}-\d{2}$/.test((value ?? '').trim())) return ms;
  return ms + 86_400_000 - 1;
}

/**
 * The requested period, checked against the retention. A number is the history routes'
 * retention (HISTORY_RETENTION_DAYS, default period 7 days); other features pass their limits.
 */
export function resolveRange(
  startText: string | undefined,
  endText: string | undefined,
  retention: number | RangeLimits,
  now = Date.now(),
): DateRange {
  const limits: RangeLimits =
    typeof retention === 'number'
      ? {
          retentionDays: retention,
          retentionSetting: 'HISTORY_RETENTION_DAYS',
          defaultDays: DEFAULT_RANGE_DAYS,
        }
      : retention;
  const { start, end } = resolvePeriod(startText, endText, limits.defaultDays * 86_400_000, now);
  if (end - start > limits.retentionDays * 86_400_000) {
    throw invalid(
      'start_date',
      `The period is longer than the ${limits.retentionDays} days of history kept (${limits.retentionSetting})`,
    );
  }
  return { start, end, aggregation: aggregationFor(start, end) };
}

function normalize(match: RegExpExecArray): string {
  const [
    ,
    year,
    month,
    day,
    hour = '00',
    minute = '00',
    second = '00',
    fraction = '0',
    zone = 'Z',
  ] = match;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset =
    zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`;
}

/** Date.parse accepts 2025-02-30 (it rolls over); a real calendar day is required. */
function sameCalendarDay(match: RegExpExecArray): boolean {
  const [, year, month, day] = match.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() + 1 === month && date.getUTCDate() === day
  );
}

function invalid(
  parameter: string,
  msg: string,
  location: 'query' | 'body' = 'query',
): UnprocessableEntityException {
  return new UnprocessableEntityException({
    detail: [{ loc: [location, parameter], msg, type: 'value_error' }],
  });
}
