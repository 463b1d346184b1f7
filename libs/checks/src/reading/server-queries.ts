/**
 * Server-wide readings of the checks, on one connection to the server's database, readable
 * with pg_monitor on PostgreSQL 10 and later. Columns that differ between versions are chosen
 * by server_version_num.
 */

/** Version, role, connection limits and the data directory (null without pg_read_all_settings). */
export const FACTS_SQL = `
select current_setting('server_version_num')::int as version_num,
       pg_is_in_recovery() as in_recovery,
       case when pg_has_role('pg_read_all_settings', 'member')
              or (select rolsuper from pg_roles where rolname = current_user)
            then current_setting('data_directory') end as data_directory,
       current_setting('max_connections')::int as max_connections,
       current_setting('superuser_reserved_connections')::int
         + coalesce(current_setting('reserved_connections', true)::int, 0) as reserved_connections,
       (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as client_connections`;

export interface FactsRow {
  version_num: number;
  in_recovery: boolean;
  data_directory: string | null;
  max_connections: number;
  reserved_connections: number;
  client_connections: number;
}

/** Client sessions other than this one, with the ages the session checks compare. */
export const SESSIONS_SQL = `
select pid, datname, usename, application_name, state, left(query, 200) as query,
       extract(epoch from clock_timestamp() - query_start)::float8 as query_s,
       extract(epoch from clock_timestamp() - xact_start)::float8 as xact_s,
       extract(epoch from clock_timestamp() - state_change)::float8 as state_s
  from pg_stat_activity
 where backend_type = 'client backend' and pid <> pg_backend_pid()`;

export interface SessionRow {
  pid: number;
  datname: string | null;
  usename: string | null;
  application_name: string | null;
  state: string | null;
  query: string | null;
  query_s: number | null;
  xact_s: number | null;
  state_s: number | null;
}

/** Every database: wraparound ages, cache counters, and whether the checks may connect to it. */
export const DATABASES_SQL = `
select d.datname, d.datallowconn, d.datistemplate,
       has_database_privilege(d.oid, 'CONNECT') as can_connect,
       greatest(age(d.datfrozenxid), mxid_age(d.datminmxid))::float8 as xid_age,
       s.blks_hit::float8 as blks_hit, s.blks_read::float8 as blks_read
  from pg_database d
  left join pg_stat_database s on s.datid = d.oid
 order by d.datname`;

export interface DatabaseRow {
  datname: string;
  datallowconn: boolean;
  datistemplate: boolean;
  can_connect: boolean;
  xid_age: number;
  blks_hit: number | null;
  blks_read: number | null;
}

/** On a primary: each standby's replay position against the current WAL position. */
export const STANDBYS_SQL = `
select application_name, client_addr::text as client_addr, state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 as lag_bytes,
       extract(epoch from replay_lag)::float8 as lag_s
  from pg_stat_replication`;

export interface StandbyRow {
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  lag_bytes: number | null;
  lag_s: number | null;
}

/** On a standby: WAL received but not replayed, and whether a WAL receiver streams. */
export const RECOVERY_SQL = `
select pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as lag_bytes,
       case when pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()
            then extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as lag_s,
       pg_is_wal_replay_paused() as paused,
       (select status from pg_stat_wal_receiver limit 1) as receiver`;

export interface RecoveryRow {
  lag_bytes: number | null;
  lag_s: number | null;
  paused: boolean;
  receiver: string | null;
}

/** Replication slots with the WAL each keeps (wal_status from 13 on). */
export function slotsQuery(versionNum: number): string {
  const walStatus = versionNum >= 130000 ? 'wal_status' : 'null::text';
  return `
select slot_name, slot_type, database, active, ${walStatus} as wal_status,
       pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn()
                            else pg_current_wal_lsn() end, restart_lsn)::float8 as retained_bytes
  from pg_replication_slots
 order by slot_name`;
}

export interface SlotRow {
  slot_name: string;
  slot_type: string;
  database: string | null;
  active: boolean;
  wal_status: string | null;
  retained_bytes: number | null;
}

/** Timed and requested checkpoints: pg_stat_checkpointer from 17 on, pg_stat_bgwriter before. */
export function checkpointsQuery(versionNum: number): string {
  return versionNum >= 170000
    ? 'select num_timed::float8 as timed, num_requested::float8 as requested from pg_stat_checkpointer'
    : 'select checkpoints_timed::float8 as timed, checkpoints_req::float8 as requested from pg_stat_bgwriter';
}

export interface CheckpointsRow {
  timed: number;
  requested: number;
}

/** Whether pg_stat_statements is created in this database and preloaded. */
export const STATEMENTS_SQL = `
select exists (select 1 from pg_extension where extname = 'pg_stat_statements') as created,
       'pg_stat_statements' = any (string_to_array(
         replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as preloaded`;

export interface StatementsRow {
  created: boolean;
  preloaded: boolean;
  /** Whether a row of the view could be read (set by the reader). */
  readable?: boolean;
}

/**
 * Reads one entry: fails when the library is not loaded or the role may not. Without the query
 * texts (showtext false), which the view would read from their file, however large it is.
 */
export const STATEMENTS_PROBE_SQL = 'select 1 from pg_stat_statements(false) limit 1';
