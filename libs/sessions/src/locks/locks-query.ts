import type { LockSession } from './lock-tree.js';

/** Longest query text returned per session. */
export const MAX_QUERY_CHARS = 10_000;

/**
 * A timestamptz as ISO 8601 in UTC with the microseconds PostgreSQL keeps (a JS Date would cut
 * them to milliseconds): the form session actions expect back as `backend_start`.
 */
export function isoMicros(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * Sessions that wait on a lock and the sessions they wait for, readable with pg_monitor.
 * pg_blocking_pids() takes the lock manager's locks, so it is called only for sessions that
 * wait (an ungranted lock), not for every backend. pg_locks.waitstart exists from 14 on; before,
 * the wait is counted from the last state change (the start of the waiting statement).
 * Relation names resolve here for locks in this database or on shared catalogs; `lock_datname`
 * names the database where the others resolve.
 */
export function locksQuery(versionNum: number): string {
  const waitStart = versionNum >= 140000 ? 'l.waitstart' : 'null::timestamptz';
  return `
with waiting as (
  select l.pid, l.locktype, l.mode, l.database, l.relation, ${waitStart} as wait_start
    from pg_locks l
   where not l.granted and l.pid is not null
),
edges as (
  select w.pid, pg_blocking_pids(w.pid) as blocked_by
    from (select distinct pid from waiting) w
),
involved as (
  select pid from edges where cardinality(blocked_by) > 0
  union
  select unnest(blocked_by) from edges
),
here as (select oid from pg_database where datname = current_database())
select a.pid, ${isoMicros('a.backend_start')} as backend_start, a.usename, a.datname,
       a.application_name, a.state, left(a.query, ${MAX_QUERY_CHARS}) as query,
       ${isoMicros('a.xact_start')} as xact_start,
       coalesce(e.blocked_by, '{}') as blocked_by,
       case when cardinality(e.blocked_by) > 0
            then trunc(extract(epoch from clock_timestamp() - coalesce(w.wait_start, a.state_change)) * 1000)::float8
       end as waiting_ms,
       w.mode as lock_mode, w.locktype as lock_type,
       w.relation::int8 as relation_oid,
       (select datname from pg_database where oid = w.database) as lock_datname,
       case when w.database = 0 or w.database = (select oid from here)
            then (select format('%I.%I', n.nspname, c.relname)
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where c.oid = w.relation)
       end as relation
  from involved i
  join pg_stat_activity a on a.pid = i.pid
  left join edges e on e.pid = i.pid
  left join lateral (select * from waiting
                      where waiting.pid = i.pid and cardinality(e.blocked_by) > 0
                      limit 1) w on true
 order by a.pid`;
}

/** A row of locksQuery(): a session and the lock it waits for, if any. */
export interface LockRow extends Omit<LockSession, 'lock'> {
  lock_mode: string | null;
  lock_type: string | null;
  relation_oid: string | null;
  lock_datname: string | null;
  relation: string | null;
}

/** Names of relations by OID in the database the connection is on. */
export const RELATION_NAMES_SQL = `
select c.oid::int8 as oid, format('%I.%I', n.nspname, c.relname) as name
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.oid = any($1::oid[])`;
