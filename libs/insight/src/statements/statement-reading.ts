/**
 * The cumulative counters pgmon keeps of one pg_stat_statements entry, in this order. Times are
 * milliseconds as PostgreSQL reports them; a counter a version lacks reads as 0.
 */
export const STATEMENT_COUNTERS = [
  'calls',
  'exec_time',
  'plan_time',
  'rows',
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'temp_blks_read',
  'temp_blks_written',
  'blk_read_time',
  'blk_write_time',
  'wal_bytes',
] as const;

export type StatementCounter = (typeof STATEMENT_COUNTERS)[number];

/** 1 top level, 0 nested, 2 not told apart (pg_stat_statements before 1.9, PostgreSQL 14). */
export type Toplevel = 0 | 1 | 2;

/** One entry of pg_stat_statements: its identity and cumulative counters. */
export interface StatementEntry {
  /** The 64-bit queryid, as exact decimal text. */
  queryid: string;
  dbid: number;
  userid: number;
  toplevel: Toplevel;
  /** Cumulative values, in STATEMENT_COUNTERS order. */
  counters: number[];
  /** When the entry was created (pg_stat_statements 1.11, PostgreSQL 17), else null. */
  statsSince: number | null;
}

/** The names an entry's database and user had when it was read (not kept between readings). */
export interface EntryNames {
  datname: string | null;
  usename: string | null;
}

/**
 * One reading of pg_stat_statements of one server. Times are the monitored server's clock, in
 * epoch milliseconds, so they compare with each other whatever pgmon's clock says.
 */
export interface StatementsReading {
  /** The server's clock after the entries were read. */
  readAt: number;
  /** pgmon's configuration generation of the server when it was read. */
  generation: number;
  /** What the extension offered (see statementsFeatures): a change starts a new baseline. */
  level: number;
  postmasterStart: number | null;
  /** pg_stat_statements_info.stats_reset (PostgreSQL 14+), read after the entries. */
  statsReset: number | null;
  /** pg_stat_statements_info.dealloc: entries evicted since the reset. */
  dealloc: number | null;
  /** stats_reset changed while the entries were read: they cannot be trusted either way. */
  resetDuringRead: boolean;
  entries: StatementEntry[];
  /**
   * `dbid/userid` of entries whose queryid pgmon may not see (no pg_read_all_stats): when they
   * become visible, their counters are not new.
   */
  hiddenOwners: string[];
}

/** The key of an entry: what makes it one series. */
export function entryKey(
  entry: Pick<StatementEntry, 'queryid' | 'dbid' | 'userid' | 'toplevel'>,
): string {
  return `${entry.queryid}/${entry.dbid}/${entry.userid}/${entry.toplevel}`;
}
