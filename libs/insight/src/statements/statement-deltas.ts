import { entryKey, type StatementEntry, type StatementsReading } from './statement-reading.js';

/** What happened to one entry during an interval, in STATEMENT_COUNTERS order; never negative. */
export interface StatementDelta {
  entry: StatementEntry;
  values: number[];
}

/** Why a reading is not differenced against the previous one. */
export type BaselineReason =
  | 'first reading'
  | 'server configuration changed'
  | 'extension version changed'
  | 'reset while reading'
  | 'clock went back'
  | 'gap too long'
  | 'counters of another server';

export type ReadingDeltas =
  | { kind: 'baseline'; reason: BaselineReason }
  | {
      kind: 'interval';
      intervalMs: number;
      deltas: StatementDelta[];
      /** Entries evicted during the interval (PostgreSQL 14+), else null. */
      evictions: number | null;
    };

/**
 * The per-interval differences between two readings of one server's pg_stat_statements.
 *
 * A difference is taken only where both readings count the same thing since the same moment.
 * When they do not, the entry (or the whole reading) starts a new series: either its counters
 * all belong to the interval (it was created after the previous reading: new, evicted and
 * re-added, lost in a crash, reset) and count as they are, or nothing is known and nothing is
 * counted. So an interval is never negative and never more than what happened in it; at worst
 * it misses what ran between the previous reading and a reset or eviction.
 */
export function readingDeltas(
  previous: StatementsReading | undefined,
  current: StatementsReading,
  maxGapMs: number,
): ReadingDeltas {
  const unusable = baselineReason(previous, current, maxGapMs);
  if (unusable !== null || !previous)
    return { kind: 'baseline', reason: unusable ?? 'first reading' };
  const reset = wasReset(previous, current);
  const before = new Map(previous.entries.map((entry) => [entryKey(entry), entry]));
  const hidden = new Set(previous.hiddenOwners);
  const deltas: StatementDelta[] = [];
  for (const entry of current.entries) {
    const values = reset
      ? [...entry.counters]
      : entryDelta(before.get(entryKey(entry)), entry, previous.readAt, hidden);
    if (values && values.some((value) => value > 0)) deltas.push({ entry, values });
  }
  return {
    kind: 'interval',
    intervalMs: current.readAt - previous.readAt,
    deltas,
    evictions: evictionsBetween(previous, current, reset),
  };
}

/** Why the two readings cannot be compared at all, or null when they can. */
function baselineReason(
  previous: StatementsReading | undefined,
  current: StatementsReading,
  maxGapMs: number,
): BaselineReason | null {
  if (!previous) return 'first reading';
  if (current.resetDuringRead) return 'reset while reading';
  if (previous.generation !== current.generation) return 'server configuration changed';
  if (previous.level !== current.level) return 'extension version changed';
  const interval = current.readAt - previous.readAt;
  if (interval <= 0) return 'clock went back';
  // Everything since a reading long ago would land in one interval: a spike that never was.
  if (interval > maxGapMs) return 'gap too long';
  // A restart or a reset before the previous reading: these are not the counters pgmon read
  // last time (another server answers at that address).
  if (changedAt(previous.postmasterStart, current.postmasterStart, previous.readAt) === 'before')
    return 'counters of another server';
  if (changedAt(previous.statsReset, current.statsReset, previous.readAt) === 'before')
    return 'counters of another server';
  return null;
}

/** Whether a timestamp changed between readings, and if so whether to after the previous one. */
function changedAt(
  previous: number | null,
  current: number | null,
  previousReadAt: number,
): 'unchanged' | 'after' | 'before' {
  if (previous === null || current === null || previous === current) return 'unchanged';
  return current > previousReadAt ? 'after' : 'before';
}

/** stats_reset moved after the previous reading: every entry was created since. */
function wasReset(previous: StatementsReading, current: StatementsReading): boolean {
  return changedAt(previous.statsReset, current.statsReset, previous.readAt) === 'after';
}

/** One entry's interval, or null when it cannot be known (then nothing is counted). */
function entryDelta(
  before: StatementEntry | undefined,
  entry: StatementEntry,
  previousReadAt: number,
  hiddenOwners: ReadonlySet<string>,
): number[] | null {
  if (entry.statsSince !== null) {
    // PostgreSQL 17+: the entry says when it was created.
    if (before?.statsSince !== entry.statsSince)
      return entry.statsSince > previousReadAt ? [...entry.counters] : null;
    return decreased(before, entry) ? null : difference(before, entry);
  }
  if (!before) {
    // The previous reading listed every entry it could see, so this one was created after it,
    // unless it belongs to an owner whose entries pgmon could not see then (privileges).
    return hiddenOwners.has(ownerKey(entry)) ? null : [...entry.counters];
  }
  // A counter went down: the entry was evicted and re-added (or lost in a crash) after the
  // previous reading, so all of it happened in the interval.
  return decreased(before, entry) ? [...entry.counters] : difference(before, entry);
}

function decreased(before: StatementEntry, entry: StatementEntry): boolean {
  return entry.counters.some((value, index) => value < (before.counters[index] ?? 0));
}

function difference(before: StatementEntry, entry: StatementEntry): number[] {
  return entry.counters.map((value, index) => value - (before.counters[index] ?? 0));
}

function evictionsBetween(
  previous: StatementsReading,
  current: StatementsReading,
  reset: boolean,
): number | null {
  if (current.dealloc === null || previous.dealloc === null) return null;
  if (reset || current.dealloc < previous.dealloc) return current.dealloc;
  return current.dealloc - previous.dealloc;
}

/** Database and user of an entry, to match the entries pgmon could not see. */
export function ownerKey(entry: Pick<StatementEntry, 'dbid' | 'userid'>): string {
  return `${entry.dbid}/${entry.userid}`;
}
