import type { ThresholdLevels } from '#config';
import { CATALOG, type CheckId, type Direction } from './catalog.js';

export type CheckStatus = 'ok' | 'warning' | 'critical' | 'unknown';

/** From least to most alarming, for `worst`: unknown ranks between ok and warning. */
export const STATUS_ORDER: readonly CheckStatus[] = ['ok', 'unknown', 'warning', 'critical'];

/** What a check concerns (database, table, index, slot, sequence, session...), with its value. */
export interface CheckObject {
  value: number | null;
  [key: string]: string | number | boolean | null;
}

/** One check's evaluation: a plain value, stored per server and read by the routes and alerts. */
export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  value: number | null;
  threshold: ThresholdLevels;
  message: string;
  hint: string;
  objects: CheckObject[];
}

/** What an evaluator measured, before it is judged against the thresholds. */
export interface Measurement {
  value: number | null;
  message: string;
  objects: CheckObject[];
  /** Set when the status does not follow from the value (the server did not answer). */
  status?: CheckStatus;
  /** Replaces the catalog's hint when the measurement knows better (which database, which setting). */
  hint?: string;
}

/** A measurement that could not be taken, and why. */
export interface Unreadable {
  unknown: string;
}

/** ok, warning or critical for `value` against the levels; a level reached counts (>= or <=). */
export function grade(
  value: number,
  threshold: ThresholdLevels,
  direction: Direction,
): 'ok' | 'warning' | 'critical' {
  const reached = (level: number | null): boolean =>
    level !== null && (direction === 'above' ? value >= level : value <= level);
  if (reached(threshold.critical)) return 'critical';
  if (reached(threshold.warning)) return 'warning';
  return 'ok';
}

/** The check's result: the measurement graded, or unknown with the reason. */
export function judge(
  id: CheckId,
  measured: Measurement | Unreadable,
  threshold: ThresholdLevels,
): CheckResult {
  const definition = CATALOG[id];
  if ('unknown' in measured) {
    return {
      id,
      status: 'unknown',
      value: null,
      threshold,
      message: measured.unknown,
      hint: definition.hint,
      objects: [],
    };
  }
  const status =
    measured.status ??
    (measured.value === null ? 'ok' : grade(measured.value, threshold, definition.direction));
  return {
    id,
    status,
    value: measured.value,
    threshold,
    message: measured.message,
    hint: measured.hint ?? definition.hint,
    objects: measured.objects,
  };
}

/** The most alarming of the statuses (ok for none). */
export function worstOf(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = 'ok';
  for (const status of statuses) {
    if (STATUS_ORDER.indexOf(status) > STATUS_ORDER.indexOf(worst)) worst = status;
  }
  return worst;
}
