import type { CheckId } from '#checks';

export type Severity = 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['warning', 'critical'];

/** `level`: the check reached warning or critical; `unknown`: it could not be read. */
export type Cause = 'level' | 'unknown';

/** How alerts of a check behave unless an admin's rule says otherwise. */
export interface AlertingDefaults {
  enabled: boolean;
  /** Seconds a check stays at warning or critical before its alert fires. */
  for_s: number;
  /**
   * The fields that tell the check's objects apart when each object's own value is judged by
   * the levels (a database, a table, a session): one alert per object. null: the level
   * applies to the server as a whole (a count, a ratio of the server), one alert per check.
   */
  objects: readonly string[] | null;
}

/** Seconds a readable server's check may stay unknown before its alert fires. */
export const DEFAULT_UNKNOWN_FOR_S = 900;

/**
 * Per check. Advice that does not call for anyone at night (unused or duplicate indexes,
 * pg_stat_statements, checkpoint tuning, the cache hit ratio) does not alert by default.
 */
export const ALERTING: Record<CheckId, AlertingDefaults> = {
  server_reachable: { enabled: true, for_s: 60, objects: null },
  disk_free: { enabled: true, for_s: 300, objects: null },
  connections_saturation: { enabled: true, for_s: 300, objects: null },
  long_running_queries: { enabled: true, for_s: 0, objects: ['pid'] },
  long_transactions: { enabled: true, for_s: 0, objects: ['pid'] },
  idle_in_transaction: { enabled: true, for_s: 0, objects: ['pid'] },
  blocked_sessions: { enabled: true, for_s: 0, objects: ['pid'] },
  xid_wraparound: { enabled: true, for_s: 0, objects: ['database'] },
  replication_lag: { enabled: true, for_s: 300, objects: ['standby', 'client_addr'] },
  inactive_replication_slots: { enabled: true, for_s: 600, objects: null },
  sequence_exhaustion: { enabled: true, for_s: 0, objects: ['database', 'schema', 'sequence'] },
  invalid_indexes: { enabled: true, for_s: 0, objects: null },
  unused_indexes: { enabled: false, for_s: 0, objects: null },
  duplicate_indexes: { enabled: false, for_s: 0, objects: null },
  dead_tuples: { enabled: true, for_s: 3600, objects: ['database', 'schema', 'table'] },
  cache_hit_ratio: { enabled: false, for_s: 3600, objects: ['database'] },
  checkpoints_requested: { enabled: false, for_s: 0, objects: null },
  statements_available: { enabled: false, for_s: 0, objects: null },
};

/**
 * How alarming an alert is, for deciding whether channels hear of it again: an unknown
 * check, then warning, then critical.
 */
export function gradeOf(cause: Cause, severity: Severity): number {
  if (cause === 'unknown') return 0;
  return severity === 'critical' ? 2 : 1;
}

/** Whether a channel that wants `minimum` and above takes an alert of `severity`. */
export function reaches(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}
