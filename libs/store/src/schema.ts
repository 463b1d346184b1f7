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

/** Per-interval differences of pg_stat_statements counters (times in whole microseconds). */
export interface StatementMetricColumns {
  calls: number;
  exec_time_us: number;
  plan_time_us: number;
  rows: number;
  shared_blks_hit: number;
  shared_blks_read: number;
  shared_blks_dirtied: number;
  shared_blks_written: number;
  temp_blks_read: number;
  temp_blks_written: number;
  blk_read_time_us: number;
  blk_write_time_us: number;
  wal_bytes: number;
}

/**
 * One statement of one server: (queryid, database, user, toplevel), or the server's "other"
 * series (queryid 'other') that carries what was not in the top of its interval.
 */
export interface StatementSeriesTable {
  id: Generated<number>;
  server_id: number;
  /** The 64-bit queryid as text (exact), or 'other'. */
  queryid: string;
  dbid: number;
  userid: number;
  /** 1 top level, 0 nested, 2 not told apart (before PostgreSQL 14). */
  toplevel: number;
  datname: string | null;
  usename: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

/** A query text, once per (server, queryid), capped in length. */
export interface StatementTextsTable {
  server_id: number;
  queryid: string;
  query: string;
  truncated: number;
  first_seen_at: number;
}

/** One successful reading of pg_stat_statements; interval_ms is null for a new baseline. */
export interface StatementSnapshotsTable {
  id: Generated<number>;
  server_id: number;
  ts: number;
  interval_ms: number | null;
  entries: number;
  /** Entries pg_stat_statements evicted during the interval (PostgreSQL 14+), else null. */
  evictions: number | null;
}

export interface StatementSamplesTable extends StatementMetricColumns {
  snapshot_id: number;
  series_id: number;
}

/** The sums of a series over a span (10 minutes or an hour) that is over. */
export interface StatementRollupsTable extends StatementMetricColumns {
  series_id: number;
  span_ms: number;
  /** Start of the span, aligned to UTC. */
  ts: number;
}

/** Per server: whether pg_stat_statements can be read, and the last cumulative reading. */
export interface StatementStateTable {
  server_id: number;
  checked_at: number;
  available: number;
  reason_code: string | null;
  reason: string | null;
  /** 10-minute spans before this are in statement_rollups; later ones only in statement_samples. */
  tiles_rolled_up_to: number | null;
  /** Hours before this are in statement_rollups. */
  hours_rolled_up_to: number | null;
  reading_ts: number | null;
  reading: Buffer | null;
}

/** One session sample of one server; `sessions` counts every session seen (before any cap). */
export interface ActivitySamplesTable {
  id: Generated<number>;
  server_id: number;
  ts: number;
  sessions: number;
}

/** What stays the same for a backend between samples. */
export interface ActivityBackendsTable {
  id: Generated<number>;
  server_id: number;
  pid: number;
  /** Microseconds since the epoch, as PostgreSQL keeps it. */
  backend_start_us: number;
  application_name: string;
  datname: string | null;
  usename: string | null;
  client_addr: string | null;
  backend_type: string | null;
  last_seen_at: number;
}

/** A query text (capped) with its query_id, once per server. */
export interface ActivityQueriesTable {
  id: Generated<number>;
  server_id: number;
  hash: string;
  query_id: string | null;
  query: string;
  last_seen_at: number;
}

/** One session in one sample. */
export interface ActivitySessionsTable {
  sample_id: number;
  backend_id: number;
  state: string;
  wait_event_type: string | null;
  wait_event: string | null;
  query_ref: number | null;
  xact_start_us: number | null;
  query_start_us: number | null;
  /** Comma-separated pids this session waits for, or null. */
  blocked_by: string | null;
}

/** An alert rule's stored settings for every server (JSON: only what an admin set). */
export interface AlertRulesTable {
  check_id: string;
  settings: string;
  updated_at: number;
  updated_by: string | null;
}

/** An alert rule's stored settings for one server (JSON: only what an admin set). */
export interface AlertRuleServersTable {
  check_id: string;
  server_id: number;
  settings: string;
}

/** An alert of one (server, check, object): pending, firing, then resolved (the history). */
export interface AlertsTable {
  id: Generated<number>;
  server_id: number;
  check_id: string;
  /** What the alert concerns (`database=app, table=public.t`); '' for the check as a whole. */
  object_key: string;
  state: 'pending' | 'firing' | 'resolved';
  /** `level`: a warning or critical value; `unknown`: the check could not be read. */
  cause: 'level' | 'unknown';
  severity: 'warning' | 'critical';
  since: number;
  fired_at: number | null;
  resolved_at: number | null;
  value: number | null;
  message: string;
  /** When channels were last given this alert as firing, and at what grade (null: not yet). */
  notified_at: number | null;
  notified_grade: number | null;
  updated_at: number;
}

export interface SilencesTable {
  id: Generated<number>;
  server_id: number | null;
  check_id: string | null;
  until: number;
  comment: string;
  created_by: string;
  created_at: number;
}

/** A notification channel. `url` and `secret` hold SecretCipher-sealed text. */
export interface NotificationChannelsTable {
  id: Generated<number>;
  name: string;
  type: string;
  url: string | null;
  secret: string | null;
  format: string | null;
  /** JSON list of email addresses. */
  recipients: string | null;
  min_severity: string;
  send_resolved: number;
  created_at: number;
  updated_at: number;
}

/** One notification to one channel: the outbox while pending, then the delivery log. */
export interface NotificationDeliveriesTable {
  id: Generated<number>;
  channel_id: number;
  alert_id: number | null;
  event: string;
  /** JSON: the alert as it was when the event happened. */
  payload: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: number;
  /** Set while a collector sends it (a lease: another takes over after it). */
  lease_until: number | null;
  claimed_by: string | null;
  created_at: number;
  finished_at: number | null;
  last_error: string | null;
}

/** One attempt to deliver a notification, and what the receiver answered. */
export interface NotificationAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  at: number;
  duration_ms: number;
  ok: number;
  status_code: number | null;
  response: string | null;
  error: string | null;
  claimed_by: string | null;
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
  statement_series: StatementSeriesTable;
  statement_texts: StatementTextsTable;
  statement_snapshots: StatementSnapshotsTable;
  statement_samples: StatementSamplesTable;
  statement_rollups: StatementRollupsTable;
  statement_state: StatementStateTable;
  activity_samples: ActivitySamplesTable;
  activity_backends: ActivityBackendsTable;
  activity_queries: ActivityQueriesTable;
  activity_sessions: ActivitySessionsTable;
  alert_rules: AlertRulesTable;
  alert_rule_servers: AlertRuleServersTable;
  alerts: AlertsTable;
  silences: SilencesTable;
  notification_channels: NotificationChannelsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_attempts: NotificationAttemptsTable;
  refresh_tokens: RefreshTokensTable;
  ssh_keys: SshKeysTable;
  settings: SettingsTable;
  system_events: SystemEventsTable;
}

export type StoreDialect = 'sqlite' | 'postgres';
