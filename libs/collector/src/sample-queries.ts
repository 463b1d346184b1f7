import { COUNTERS, type Counters } from '#history';

/**
 * One row per database from pg_stat_database (readable with pg_monitor; the same columns on
 * PostgreSQL 10 to 18). Counters as float8 so they arrive as exact numbers.
 */
export const DATABASE_STATS_SQL = `
select d.oid::int8::float8 as oid, d.datname, s.numbackends,
       ${COUNTERS.map((counter) => `coalesce(s.${counter}, 0)::float8 as ${counter}`).join(', ')},
       floor(extract(epoch from s.stats_reset) * 1000)::float8 as stats_reset,
       floor(extract(epoch from pg_postmaster_start_time()) * 1000)::float8 as postmaster_start,
       case when pg_has_role('pg_read_all_settings', 'member')
              or (select rolsuper from pg_roles where rolname = current_user)
            then current_setting('data_directory') end as data_directory
  from pg_database d
  join pg_stat_database s on s.datid = d.oid
 where not d.datistemplate
 order by d.datname`;

export type DatabaseStatsRow = Counters & {
  oid: number;
  datname: string;
  numbackends: number | null;
  stats_reset: number | null;
  postmaster_start: number | null;
  data_directory: string | null;
};

/** Sizes are slower to compute (they walk the files), so they run on their own schedule. */
export const DATABASE_SIZES_SQL = `
select d.oid::int8::float8 as oid, pg_database_size(d.oid)::float8 as size
  from pg_database d
 where not d.datistemplate`;

/**
 * The creation time of a database is the modification time of its PG_VERSION file. Reading it
 * needs pg_stat_file, which a pg_monitor role usually may not call: then it stays unknown.
 */
export const CREATION_TIME_SQL = `
select floor(extract(epoch from (pg_stat_file('base/' || $1::oid || '/PG_VERSION')).modification) * 1000)::float8 as created`;
