import type { CounterColumns } from '#store';

/** The cumulative counters of pg_stat_database that pgmon keeps, in a fixed order. */
export const COUNTERS = [
  'xact_commit',
  'xact_rollback',
  'blks_read',
  'blks_hit',
  'tup_returned',
  'tup_fetched',
  'tup_inserted',
  'tup_updated',
  'tup_deleted',
  'temp_files',
  'temp_bytes',
  'deadlocks',
] as const satisfies readonly (keyof CounterColumns)[];

export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

/** What a delta needs to know about one sample of one database. */
export interface CounterSample {
  /** Identity of the database (its OID); a different identity starts a new series. */
  identity: number;
  ts: number;
  counters: Counters;
  statsReset: number | null;
  postmasterStart: number | null;
  /** When the database was created, if known. */
  creationTime?: number | null;
}

/**
 * Events between two consecutive samples of one database, per counter, or null when they are
 * not comparable (the first sample, or a database re-created under the same name).
 *
 * Counters are cumulative, so the number of events in an interval is the difference of two
 * samples, except when the counters restarted from zero in between: a stats reset
 * (`stats_reset` changed) or a server restart that lost the statistics (a counter went down and
 * the postmaster start changed). Then the new value is what happened since the restart; when the
 * restart time is unknown the interval is not counted, so a reset never shows up as a negative
 * or huge number. A counter that went down while `stats_reset` and a known postmaster start
 * stayed the same did not restart with the others: only that counter's interval is unknown and
 * counts nothing; the other counters keep their differences.
 */
export function counterDeltas(
  previous: CounterSample | undefined,
  current: CounterSample,
): Counters | null {
  if (!previous) return null;
  if (previous.identity !== current.identity)
    return createdWithin(previous, current) ? { ...current.counters } : null;
  const restartedAt = restartTime(previous, current);
  if (restartedAt !== undefined)
    return restartedAt !== null && restartedAt > previous.ts ? { ...current.counters } : null;
  return mapCounters((counter) =>
    Math.max(0, current.counters[counter] - previous.counters[counter]),
  );
}

/**
 * When every counter restarted between the samples, null if they did at an unknown time,
 * undefined if they did not. A decrease with the same known postmaster start is no restart
 * (see counterDeltas); with an unknown postmaster start a restart cannot be ruled out.
 */
function restartTime(previous: CounterSample, current: CounterSample): number | null | undefined {
  if (current.statsReset !== previous.statsReset && current.statsReset !== null)
    return current.statsReset;
  const wentDown = COUNTERS.some(
    (counter) => current.counters[counter] < previous.counters[counter],
  );
  if (!wentDown) return undefined;
  if (current.postmasterStart === null) return null;
  if (current.postmasterStart !== previous.postmasterStart) return current.postmasterStart;
  return undefined;
}

function createdWithin(previous: CounterSample, current: CounterSample): boolean {
  return (
    current.creationTime !== undefined &&
    current.creationTime !== null &&
    current.creationTime > previous.ts
  );
}

/** Builds a Counters object (a plain loop: this runs once per sample on long periods). */
export function mapCounters(value: (counter: Counter) => number): Counters {
  const counters = {} as Counters;
  for (const counter of COUNTERS) counters[counter] = value(counter);
  return counters;
}

export function zeroCounters(): Counters {
  return mapCounters(() => 0);
}
