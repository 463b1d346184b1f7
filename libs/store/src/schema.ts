import type { Generated } from 'kysely';

/**
 * The application's own database. Timestamps are epoch milliseconds (INTEGER in SQLite, BIGINT
 * in PostgreSQL, read back as numbers) so both backends share one code path. Flags are 0/1.
 */
export interface UsersTable {
  login: string;
  password_hash: string;
  role: string;
  is_active: number;
  /** Bumped when the password changes or the user is disabled: older tokens stop working. */
  token_version: Generated<number>;
  /** Random per account, carried by its tokens: a re-created login is another account. */
  account_id: string;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  email: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  client_ip: string | null;
  /** How the attempt ended; `success` for changes recorded once done. */
  outcome: Generated<string>;
  user_agent: string | null;
}

/**
 * A refresh token, stored only as its SHA-256 hash. Tokens of one login form a family: each
 * use rotates to a new token of the family, and a used token presented again revokes them all.
 */
export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  login: string;
  /** With token_version: a password change or disabling the user makes the token useless. */
  account_id: string;
  token_version: number;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

/** An SSH key pgmon keeps for servers to use; private key and passphrase are sealed. */
export interface SshKeysTable {
  id: string;
  name: string;
  description: string | null;
  key_type: string;
  fingerprint: string;
  public_key: string;
  private_key: string;
  passphrase: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** A runtime setting an admin changed (the environment gives the others). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
  updated_by: string | null;
}

/** One of pgmon's own events: the collector failing or recovering, a start, a stop. */
export interface SystemEventsTable {
  id: Generated<number>;
  at: number;
  level: string;
  source: string;
  message: string;
  details: string | null;
}

/**
 * A monitored server. Secret columns hold SecretCipher-sealed text, never plaintext.
 * `generation` is bumped by every change, so caches and pools keyed by it go stale at once.
 */
export interface ServersTable {
  id: Generated<number>;
  name: string;
  host: string;
  port: number;
  pg_user: string;
  pg_password: string | null;
  database: string;
  ssl_mode: string;
  ssh_user: string | null;
  ssh_port: number;
  ssh_auth_type: string;
  ssh_password: string | null;
  ssh_private_key: string | null;
  ssh_key_passphrase: string | null;
  ssh_host_key: string | null;
  /** A managed SSH key (ssh_keys.id) used instead of the server's own private key. */
  ssh_key_id: string | null;
  stats_db: string | null;
  generation: number;
  created_at: number;
  updated_at: number;
}

/** One database of a monitored server, told apart by its OID: a re-created database is a new row. */
export interface MonitoredDatabasesTable {
  id: Generated<number>;
  server_id: number;
  datname: string;
  oid: number;
  first_seen_at: number;
  last_seen_at: number;
  /** When PostgreSQL created it, where the monitoring role may read that (else null). */
  creation_time: number | null;
}

/** The cumulative counters of pg_stat_database that pgmon samples. */
export interface CounterColumns {
  xact_commit: number;
  xact_rollback: number;
  blks_read: number;
  blks_hit: number;
  tup_returned: number;
  tup_fetched: number;
  tup_inserted: number;
  tup_updated: number;
  tup_deleted: number;
  temp_files: number;
  temp_bytes: number;
  deadlocks: number;
}

/** A raw sample: counters as PostgreSQL reported them (cumulative), one row per database and time. */
export interface DbSamplesTable extends CounterColumns {
  database_id: number;
  ts: number;
  numbackends: number;
  stats_reset: number | null;
  postmaster_start: number | null;
  /** Measured on a slower schedule; null between measurements. */
  size_bytes: number | null;
}

/**
 * Hourly rollup maintained at insert time: counter columns hold the number of events in the hour
 * (sums of per-interval differences), so long ranges read a few rows per database and hour.
 */
export interface DbHourlyTable extends CounterColumns {
  database_id: number;
  hour: number;
  samples: number;
  backends_sum: number;
  backends_max: number;
  backends_min: number;
  size_max: number | null;
  last_ts: number;
}

export interface ServerDiskSamplesTable {
  server_id: number;
  ts: number;
  free_bytes: number;
  total_bytes: number;
}

/** The collector's bookkeeping per server: schedule claims, last success, last error. */
export interface CollectorStateTable {
  server_id: number;
  next_due_at: number;
  next_size_due_at: number;
  claimed_by: string | null;
  claimed_at: number | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_duration_ms: number | null;
  sample_lag_ms: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: number | null;
  consecutive_failures: number;
  databases: number | null;
}

/** One per-server task of the collector (statements, session samples, checks, ...). */
export interface CollectorTasksTable {
  server_id: number;
  task: string;
  next_due_at: number;
  /** Set while a run holds the slot (a lease: another collector takes over after it). */
  running_until: number | null;
  claimed_by: string | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_duration_ms: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: number | null;
  consecutive_failures: number;
  /** Slots that passed while a run was still going (skipped, never stacked). */
  skipped_runs: number;
}

/** The last evaluation of one health check on one server (see #checks). */
export interface CheckResultsTable {
  server_id: number;
  check_id: string;
  status: string;
  value: number | null;
  warning: number | null;
  critical: number | null;
  message: string;
  hint: string;
  /** JSON array of the objects the check concerns. */
  objects: string;
  evaluated_at: number;
}

export interface Database {
  users: UsersTable;
  audit_log: AuditLogTable;
  servers: ServersTable;
  monitored_databases: MonitoredDatabasesTable;
  db_samples: DbSamplesTable;
  db_hourly: DbHourlyTable;
  server_disk_samples: ServerDiskSamplesTable;
  collector_state: CollectorStateTable;
  collector_tasks: CollectorTasksTable;
  check_results: CheckResultsTable;
  refresh_tokens: RefreshTokensTable;
  ssh_keys: SshKeysTable;
  settings: SettingsTable;
  system_events: SystemEventsTable;
}

export type StoreDialect = 'sqlite' | 'postgres';
