/** Sessions pgmon opens itself: its target pools and its store (when the store is a watched server). */
export const OWN_APPLICATION_NAMES = ['pgmon', 'pgmon-store'] as const;

/** Most sessions stored per sample (the count of all of them is kept with the sample). */
export const MAX_SESSIONS_PER_SAMPLE = 1000;

const MICROS = (expression: string): string =>
  `round(extract(epoch from ${expression}) * 1000000)::float8`;

/**
 * The non-idle sessions of pg_stat_activity (idle in transaction included; background
 * processes, whose state is null, are not), except pgmon's own: its application name and the
 * sampling connection itself. Times are microseconds since the epoch, as PostgreSQL keeps them.
 * query_id exists from PostgreSQL 14; pg_blocking_pids, which takes the lock manager's locks,
 * is asked only for sessions waiting on a lock. $1: text cap, $2: most sessions.
 */
export function sessionSampleSql(versionNum: number): string {
  const queryId = versionNum >= 140000 ? 'nullif(query_id, 0)::text' : 'null::text';
  return `
select pid, ${MICROS('backend_start')} as backend_start_us, datname, usename,
       coalesce(application_name, '') as application_name, client_addr::text as client_addr,
       backend_type, state, wait_event_type, wait_event, ${queryId} as query_id,
       left(query, $1) as query, ${MICROS('xact_start')} as xact_start_us,
       ${MICROS('query_start')} as query_start_us,
       case when wait_event_type = 'Lock' then pg_blocking_pids(pid) end as blocked_by,
       count(*) over ()::int as total
  from pg_stat_activity
 where state <> 'idle'
   and pid <> pg_backend_pid()
   and coalesce(application_name, '') not in (${OWN_APPLICATION_NAMES.map((name) => `'${name}'`).join(', ')})
 order by query_start nulls last, pid
 limit $2`;
}

/** One sampled session as the query returns it. */
export interface SessionRow {
  pid: number;
  backend_start_us: number | null;
  datname: string | null;
  usename: string | null;
  application_name: string;
  client_addr: string | null;
  backend_type: string | null;
  state: string;
  wait_event_type: string | null;
  wait_event: string | null;
  query_id: string | null;
  query: string | null;
  xact_start_us: number | null;
  query_start_us: number | null;
  blocked_by: number[] | null;
  total: number;
}
