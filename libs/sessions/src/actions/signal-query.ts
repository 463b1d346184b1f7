import type { SessionAction } from './session-action.dto.js';

/** Why pgmon does not signal a session (`privilege`: the monitoring role may not). */
export type Refusal =
  | 'own'
  | 'autovacuum'
  | 'walsender'
  | 'not_client'
  | 'superuser'
  | 'superuser_privilege'
  | 'privilege';

export interface SignalRow {
  pid: number;
  usename: string | null;
  datname: string | null;
  backend_type: string | null;
  query: string | null;
  refusal: Refusal | null;
  /** The signal function's answer; null when refused. */
  signalled: boolean | null;
}

/** application_name of pgmon's own connections (set by the pool). */
export const PGMON_APPLICATION_NAME = 'pgmon';

const FUNCTIONS: Record<SessionAction, string> = {
  cancel: 'pg_cancel_backend',
  terminate: 'pg_terminate_backend',
};

/**
 * Matches the session by pid *and* backend_start (to the millisecond) and signals it in the
 * same statement, so a pid reused since the operator looked is never hit. The policy is
 * evaluated there too, in this order: pgmon's own sessions, autovacuum, walsenders, other
 * non-client backends, superusers' sessions (unless the caller is admin), then whether the
 * monitoring role may signal the session at all. Parameters: pid, backend_start (ISO, UTC),
 * pgmon's application_name, whether the caller is admin.
 */
export function signalQuery(action: SessionAction): string {
  return `
with me as (select rolsuper from pg_roles where rolname = current_user),
target as (
  select a.pid, a.usename, a.datname, a.backend_type, a.query,
         case
           when a.pid = pg_backend_pid()
             or (a.usename = current_user and a.application_name = $3) then 'own'
           when a.backend_type = 'autovacuum worker' then 'autovacuum'
           when a.backend_type = 'walsender' then 'walsender'
           when a.backend_type is distinct from 'client backend' then 'not_client'
           when coalesce(r.rolsuper, false) and not $4::boolean then 'superuser'
           when (select rolsuper from me) then null
           when coalesce(r.rolsuper, false) then 'superuser_privilege'
           when not (pg_has_role(current_user, 'pg_signal_backend', 'MEMBER')
                     or pg_has_role(current_user, a.usesysid, 'MEMBER')) then 'privilege'
         end as refusal
    from pg_stat_activity a
    left join pg_roles r on r.oid = a.usesysid
   where a.pid = $1::int
     and date_trunc('milliseconds', a.backend_start) = $2::timestamptz
)
select pid, usename, datname, backend_type, query, refusal,
       case when refusal is null then ${FUNCTIONS[action]}(pid) end as signalled
  from target`;
}
