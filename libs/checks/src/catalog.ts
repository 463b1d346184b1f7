import type { ThresholdLevels } from '#config';

/** Every check pgmon evaluates, in the order answers list them. */
export const CHECK_IDS = [
  'server_reachable',
  'disk_free',
  'connections_saturation',
  'long_running_queries',
  'long_transactions',
  'idle_in_transaction',
  'blocked_sessions',
  'xid_wraparound',
  'replication_lag',
  'inactive_replication_slots',
  'sequence_exhaustion',
  'invalid_indexes',
  'unused_indexes',
  'duplicate_indexes',
  'dead_tuples',
  'cache_hit_ratio',
  'checkpoints_requested',
  'statements_available',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export function isCheckId(value: string): value is CheckId {
  return (CHECK_IDS as readonly string[]).includes(value);
}

/** `above`: the higher the value, the worse (most checks); `below`: the lower, the worse. */
export type Direction = 'above' | 'below';

export interface CheckDefinition {
  /** What is measured, and the unit of `value`. */
  what: string;
  direction: Direction;
  /** Documented defaults; CHECK_THRESHOLDS (and later alert rules) replace them. */
  defaults: ThresholdLevels;
  /** What a DBA does about it. */
  hint: string;
}

const MIB = 1024 * 1024;

/** Below these amounts a ratio says nothing yet, and the check reads ok. */
export const MIN_DEAD_TUPLES = 10_000;
export const MIN_BLOCK_ACCESSES = 10_000;
export const MIN_CHECKPOINTS = 10;
/** Objects listed per check, worst first (the message counts them all). */
export const MAX_OBJECTS = 20;

export const CATALOG: Record<CheckId, CheckDefinition> = {
  server_reachable: {
    what: 'PostgreSQL answers pgmon; value: the first round trip of the evaluation (ms)',
    direction: 'above',
    defaults: { warning: 1000, critical: 5000 },
    hint: 'Check that PostgreSQL runs and accepts pgmon’s connections (listen_addresses, pg_hba.conf, firewall, max_connections); POST /servers/{name}/test says what fails.',
  },
  disk_free: {
    what: 'Share of the data directory’s filesystem still free, read over SSH (0-1)',
    direction: 'below',
    defaults: { warning: 0.15, critical: 0.05 },
    hint: 'A full disk stops PostgreSQL. Free space without deleting files under the data directory: drop unused replication slots, fix a failing archive_command, remove old logs and backups, or grow the volume.',
  },
  connections_saturation: {
    what: 'Client connections over what max_connections leaves to non-superusers (0-1)',
    direction: 'above',
    defaults: { warning: 0.75, critical: 0.9 },
    hint: 'Put a pooler (PgBouncer) in front, look for idle or leaked connections in /server_stats, or raise max_connections (a restart; each connection costs memory).',
  },
  long_running_queries: {
    what: 'Longest-running active query of a client session (s)',
    direction: 'above',
    defaults: { warning: 60, critical: 300 },
    hint: 'Read the query in /server_stats and EXPLAIN it; cancel it with POST /server/{name}/sessions/{pid}/cancel if it must not run, and set a statement_timeout for its role or application.',
  },
  long_transactions: {
    what: 'Oldest open transaction of a client session (s)',
    direction: 'above',
    defaults: { warning: 600, critical: 3600 },
    hint: 'An open transaction holds back vacuum (dead rows and bloat pile up everywhere) and may hold locks: find the application that leaves it open, end it, and set idle_in_transaction_session_timeout.',
  },
  idle_in_transaction: {
    what: 'Longest time a session has sat idle inside a transaction (s)',
    direction: 'above',
    defaults: { warning: 60, critical: 600 },
    hint: 'The application opened a transaction and stopped talking (a missing COMMIT or ROLLBACK): fix that code path, set idle_in_transaction_session_timeout, and terminate the session if it blocks others.',
  },
  blocked_sessions: {
    what: 'Longest time a session has waited for a lock held by another (s)',
    direction: 'above',
    defaults: { warning: 30, critical: 300 },
    hint: 'GET /server/{name}/locks shows the root blocker: have its transaction commit or roll back, or cancel/terminate it; set lock_timeout for migrations and DDL.',
  },
  xid_wraparound: {
    what: 'Oldest database’s transaction (or multixact) ID age over the 2^31 limit (0-1)',
    direction: 'above',
    defaults: { warning: 0.5, critical: 0.75 },
    hint: 'VACUUM (FREEZE) the oldest tables of that database (order by age(relfrozenxid)); make sure autovacuum runs and nothing holds the xmin horizon back (long or prepared transactions, replication slots).',
  },
  replication_lag: {
    what: 'WAL a standby has received or been sent but not replayed yet (bytes)',
    direction: 'above',
    defaults: { warning: 64 * MIB, critical: 1024 * MIB },
    hint: 'On the standby: is replay paused (pg_is_wal_replay_paused()), waiting on a query conflict, or short of disk, CPU or network? A lagging standby answers with stale data and keeps WAL on the primary.',
  },
  inactive_replication_slots: {
    what: 'Replication slots nothing consumes (each keeps WAL from its restart_lsn on)',
    direction: 'above',
    defaults: { warning: 1, critical: null },
    hint: "An inactive slot keeps WAL until the disk fills: reconnect its consumer, or drop it with SELECT pg_drop_replication_slot('name'); max_slot_wal_keep_size (13+) caps what a slot may keep.",
  },
  sequence_exhaustion: {
    what: 'Largest share of a sequence’s range already used, bounded by its column’s type (0-1)',
    direction: 'above',
    defaults: { warning: 0.75, critical: 0.9 },
    hint: 'Inserts fail once the sequence reaches its maximum: move the column and the sequence to bigint (ALTER TABLE ... ALTER COLUMN ... TYPE bigint; ALTER SEQUENCE ... AS bigint) before it runs out.',
  },
  invalid_indexes: {
    what: 'Invalid indexes (a failed CREATE or REINDEX CONCURRENTLY)',
    direction: 'above',
    defaults: { warning: 1, critical: null },
    hint: 'An invalid index is updated on every write and never used: REINDEX INDEX CONCURRENTLY it, or DROP INDEX CONCURRENTLY it and create it again.',
  },
  unused_indexes: {
    what: 'Indexes never scanned since the statistics were reset (unique and constraint indexes excepted)',
    direction: 'above',
    defaults: { warning: 1, critical: null },
    hint: 'An unused index costs every write and its space: statistics are per server, so check the standbys too, then DROP INDEX CONCURRENTLY the ones nothing needs.',
  },
  duplicate_indexes: {
    what: 'Indexes whose columns are the leading columns of another index on the same table',
    direction: 'above',
    defaults: { warning: 1, critical: null },
    hint: 'The covered index is redundant: DROP INDEX CONCURRENTLY it (the covering one serves its queries); a unique index is never reported as redundant.',
  },
  dead_tuples: {
    what: `Largest share of dead rows in a table with at least ${MIN_DEAD_TUPLES} dead rows (0-1)`,
    direction: 'above',
    defaults: { warning: 0.2, critical: 0.5 },
    hint: 'Vacuum is not keeping up: VACUUM (ANALYZE) the table, check that autovacuum is enabled for it and not held back by long transactions, and lower autovacuum_vacuum_scale_factor for large tables.',
  },
  cache_hit_ratio: {
    what: `Lowest share of block reads served from shared_buffers, per database with at least ${MIN_BLOCK_ACCESSES} reads since the statistics were reset (0-1)`,
    direction: 'below',
    defaults: { warning: 0.99, critical: 0.95 },
    hint: 'Reads miss the cache: look for sequential scans of large tables (missing indexes; pg_stat_statements shows which queries read most blocks), or raise shared_buffers (about a quarter of RAM) if the working set does not fit.',
  },
  checkpoints_requested: {
    what: `Share of checkpoints forced by WAL volume or by command rather than by checkpoint_timeout (0-1, from ${MIN_CHECKPOINTS} checkpoints on)`,
    direction: 'above',
    defaults: { warning: 0.2, critical: 0.5 },
    hint: 'Forced checkpoints come too often and cause I/O spikes: raise max_wal_size so that most checkpoints happen on checkpoint_timeout.',
  },
  statements_available: {
    what: 'pg_stat_statements can be read in the server’s database (1) or not (0)',
    direction: 'below',
    defaults: { warning: 0, critical: null },
    hint: 'Query statistics need pg_stat_statements: add it to shared_preload_libraries (a restart), then CREATE EXTENSION pg_stat_statements in the database pgmon connects to.',
  },
};
