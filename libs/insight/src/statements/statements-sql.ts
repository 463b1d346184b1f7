import pg from 'pg';
import { STATEMENT_COUNTERS, type StatementCounter } from './statement-reading.js';

/**
 * pg_stat_statements' columns follow the extension's version (its SQL script defines them),
 * and each server ships one version: 1.5 with PostgreSQL 10, 1.6 with 11, 1.7 with 12, 1.8 with
 * 13 (total_exec_time, planning, WAL), 1.9 with 14 (toplevel, pg_stat_statements_info), 1.10
 * with 15 and 16, 1.11 with 17 (shared_blk_read_time, stats_since), 1.12 with 18. The level is
 * the extension's minor version, capped by what the server ships: an extension not updated
 * after pg_upgrade keeps its old columns.
 */
export function statementsLevel(versionNum: number, extVersion: string | null): number {
  const shipped = SHIPPED.find(([from]) => versionNum >= from)?.[1] ?? 5;
  const installed = /^1\.(\d+)/.exec(extVersion ?? '')?.[1];
  return installed === undefined ? shipped : Math.min(shipped, Number(installed));
}

const SHIPPED: [fromVersionNum: number, level: number][] = [
  [180000, 12],
  [170000, 11],
  [150000, 10],
  [140000, 9],
  [130000, 8],
  [120000, 7],
  [110000, 6],
];

/** Features by level. */
const EXEC_AND_PLAN = 8;
const TOPLEVEL_AND_INFO = 9;
const SHARED_BLK_TIME_AND_SINCE = 11;

/** The SQL expression of each counter at a level (a counter the level lacks reads as 0). */
export function counterExpressions(level: number): Record<StatementCounter, string> {
  const modern = level >= EXEC_AND_PLAN;
  const blkTime = level >= SHARED_BLK_TIME_AND_SINCE ? 'shared_blk_' : 'blk_';
  const expressions: Record<StatementCounter, string> = {
    calls: 's.calls',
    exec_time: modern ? 's.total_exec_time' : 's.total_time',
    plan_time: modern ? 's.total_plan_time' : '0',
    rows: 's.rows',
    shared_blks_hit: 's.shared_blks_hit',
    shared_blks_read: 's.shared_blks_read',
    shared_blks_dirtied: 's.shared_blks_dirtied',
    shared_blks_written: 's.shared_blks_written',
    temp_blks_read: 's.temp_blks_read',
    temp_blks_written: 's.temp_blks_written',
    blk_read_time: `s.${blkTime}read_time`,
    blk_write_time: `s.${blkTime}write_time`,
    wal_bytes: modern ? 's.wal_bytes' : '0',
  };
  return expressions;
}

/** Where the extension lives and what it offers on one server (read once, see the task). */
export interface StatementsSource {
  versionNum: number;
  level: number;
  /** The schema holding the extension's objects (it need not be on the search_path). */
  schema: string;
}

/** Finds the extension in the database pgmon reads (extversion null: not installed there). */
export const STATEMENTS_SOURCE_SQL = `
select current_setting('server_version_num')::int as version_num,
       e.extversion, n.nspname as schema
  from (select 1) as one
  left join pg_extension e on e.extname = 'pg_stat_statements'
  left join pg_namespace n on n.oid = e.extnamespace`;

const MS = (expression: string): string =>
  `floor(extract(epoch from ${expression}) * 1000)::float8`;

/**
 * One reading in one round trip: three statements sent together (simple protocol), run in
 * order: stats_reset before the entries, the entries without their texts (showtext false: the
 * texts file is not read), then the server's clock, postmaster start and stats_reset after. A
 * reset between the two stats_reset reads makes the entries untrustworthy either way.
 */
export function statementsReadingSql(source: StatementsSource): string {
  const schema = pg.escapeIdentifier(source.schema);
  const info =
    source.level >= TOPLEVEL_AND_INFO
      ? `select ${MS('stats_reset')} as stats_reset, dealloc::float8 as dealloc from ${schema}.pg_stat_statements_info`
      : 'select null::float8 as stats_reset, null::float8 as dealloc';
  const counters = counterExpressions(source.level);
  const columns = STATEMENT_COUNTERS.map((counter) => `(${counters[counter]})::float8`);
  const toplevel =
    source.level >= TOPLEVEL_AND_INFO ? 'case when s.toplevel then 1 else 0 end' : '2';
  const since = source.level >= SHARED_BLK_TIME_AND_SINCE ? MS('s.stats_since') : 'null::float8';
  const entries = `select s.queryid::text, s.dbid, s.userid, ${toplevel}, d.datname, r.rolname, ${since}, ${columns.join(', ')}
  from ${schema}.pg_stat_statements(false) s
  left join pg_database d on d.oid = s.dbid
  left join pg_roles r on r.oid = s.userid`;
  const after = `select ${MS('clock_timestamp()')} as read_at, ${MS('pg_postmaster_start_time()')} as postmaster_start, i.*
  from (${info}) i`;
  return `${info};\n${entries};\n${after}`;
}

/** The texts of some statements (only those pgmon does not have yet), capped. */
export function statementTextsSql(source: StatementsSource): string {
  return `select distinct on (queryid) queryid::text as queryid, left(query, $2) as query,
       length(query) > $2 as truncated
  from ${pg.escapeIdentifier(source.schema)}.pg_stat_statements(true)
 where queryid = any($1::int8[])
 order by queryid`;
}
