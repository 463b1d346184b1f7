/**
 * Everything the status line needs, in one round trip, readable by a role with only pg_monitor
 * (PostgreSQL 10+). data_directory needs pg_read_all_settings (part of pg_monitor) or superuser;
 * without it the column is null instead of failing the whole query.
 */
export const STATUS_SQL = `
select left(current_setting('server_version'), 100) as version,
       current_setting('server_version_num')::int as version_num,
       round((extract(epoch from (now() - pg_postmaster_start_time())) / 3600)::numeric, 2)::float8 as uptime_hours,
       floor(extract(epoch from (now() - pg_postmaster_start_time())))::float8 as uptime_seconds,
       case when pg_has_role('pg_read_all_settings', 'member')
              or (select rolsuper from pg_roles where rolname = current_user)
            then current_setting('data_directory') end as data_directory,
       coalesce((select json_object_agg(state, n)
                   from (select state, count(*)::int as n
                           from pg_stat_activity
                          where state is not null
                          group by state) by_state), '{}'::json) as connections`;

export interface StatusRow {
  version: string;
  version_num: number;
  uptime_hours: number;
  uptime_seconds: number;
  data_directory: string | null;
  connections: Record<string, number>;
}

/** Connections by state: always `active` and `idle`, then every other state present. */
export function connectionsByState(counts: Record<string, number>): Record<string, number> {
  const ordered: Record<string, number> = { active: counts.active ?? 0, idle: counts.idle ?? 0 };
  for (const state of Object.keys(counts).sort()) {
    if (state !== 'active' && state !== 'idle') ordered[state] = Number(counts[state]);
  }
  return ordered;
}
