/** Longest query text returned per session; longer texts are cut and flagged. */
export const MAX_QUERY_CHARS = 10_000;

export interface ActivityFilters {
  state?: string;
  datname?: string;
  minDurationMs?: number;
  limit: number;
}

/**
 * Columns of pg_stat_activity newer than PostgreSQL 10, with the server_version_num that added
 * them. An older server answers null for them, so every session has the same fields on every
 * version.
 */
const LATER_COLUMNS = [
  { since: 130000, column: 'leader_pid', type: 'int' },
  { since: 140000, column: 'query_id', type: 'text' },
] as const;

/** The later columns as select items: the column where it exists, else a typed null. */
function laterColumns(versionNum: number): string {
  return LATER_COLUMNS.map(({ since, column, type }) =>
    versionNum >= since ? `${column}::${type} as ${column}` : `null::${type} as ${column}`,
  ).join(', ');
}

/**
 * pg_stat_activity for GET /server_stats: the seed's columns first, then pgmon's; the base set
 * exists on PostgreSQL 10 and later. Sessions longest-running first.
 */
export function activityQuery(
  versionNum: number,
  filters: ActivityFilters,
): { text: string; values: unknown[] } {
  const values: unknown[] = [MAX_QUERY_CHARS + 1];
  const where: string[] = [];
  const param = (value: unknown): string => `$${values.push(value)}`;
  if (filters.state !== undefined) where.push(`state = ${param(filters.state)}`);
  if (filters.datname !== undefined) where.push(`datname = ${param(filters.datname)}`);
  if (filters.minDurationMs !== undefined) {
    where.push(
      `query_start <= clock_timestamp() - ${param(filters.minDurationMs)} * interval '1 millisecond'`,
    );
  }
  const text = `
select pid, usename, datname, left(query, $1) as query, state,
       application_name, client_addr::text as client_addr, backend_type,
       wait_event_type, wait_event, query_start, xact_start, backend_start, state_change,
       trunc(extract(epoch from (clock_timestamp() - query_start)) * 1000)::float8 as duration_ms,
       pg_blocking_pids(pid) as blocked_by, ${laterColumns(versionNum)}
  from pg_stat_activity
 ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
 order by query_start asc nulls last, pid
 limit ${param(filters.limit)}`;
  return { text, values };
}
