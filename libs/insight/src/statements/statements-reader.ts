import { Injectable } from '@nestjs/common';
import { sql, type SqlBool } from 'kysely';
import { StoreService, type StatementMetricColumns } from '#store';
import { METRIC_COLUMNS } from './interval-rows.js';
import type { PeriodPlan, RolledUp, Span } from './period-plan.js';

/** Which series a read covers. */
export interface StatementFilter {
  database?: string;
  user?: string;
  queryid?: string;
}

/** A series and its sums over a period. */
export interface SeriesSums {
  id: number;
  queryid: string;
  datname: string | null;
  usename: string | null;
  toplevel: number;
  metrics: StatementMetricColumns;
}

/** The sums of the matching series at one time (a reading, or an hour of the rollup). */
export interface TimePoint {
  ts: number;
  metrics: StatementMetricColumns;
}

export interface StatementsState {
  available: boolean;
  reasonCode: string | null;
  reason: string | null;
  /** Up to where the rollups are written. */
  rolled: RolledUp;
}

const SUMS = METRIC_COLUMNS.map((column) => sql<number>`sum(${sql.ref(column)})`.as(column));

/** The routes' side of the statements history: sums and timelines from the store. */
@Injectable()
export class StatementsReader {
  constructor(private readonly store: StoreService) {}

  /** Whether the last attempt could read pg_stat_statements (undefined: never tried). */
  async state(serverId: number): Promise<StatementsState | undefined> {
    const row = await this.store.db
      .selectFrom('statement_state')
      .select(['available', 'reason_code', 'reason', 'tiles_rolled_up_to', 'hours_rolled_up_to'])
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      available: Number(row.available) === 1,
      reasonCode: row.reason_code,
      reason: row.reason,
      rolled: {
        tiles: row.tiles_rolled_up_to === null ? null : Number(row.tiles_rolled_up_to),
        hours: row.hours_rolled_up_to === null ? null : Number(row.hours_rolled_up_to),
      },
    };
  }

  /** Per series, the sums over the plan. */
  async seriesSums(
    serverId: number,
    plan: PeriodPlan,
    filter: StatementFilter,
  ): Promise<SeriesSums[]> {
    const series = ['s.id', 's.queryid', 's.datname', 's.usename', 's.toplevel'] as const;
    const parts: Promise<SeriesRow[]>[] = plan.raw.map((span) =>
      this.raw(serverId, span, filter)
        .select([...series, ...SUMS])
        .groupBy('s.id')
        .execute(),
    );
    for (const { spanMs, span } of plan.rollups) {
      parts.push(
        this.rollups(serverId, spanMs, span, filter)
          .select([...series, ...SUMS])
          .groupBy('s.id')
          .execute(),
      );
    }
    const bySeries = new Map<number, SeriesSums>();
    for (const row of (await Promise.all(parts)).flat()) {
      const known = bySeries.get(Number(row.id));
      if (known) addRow(known.metrics, row);
      else bySeries.set(Number(row.id), toSeriesSums(row));
    }
    return [...bySeries.values()];
  }

  /** The sums of the matching series per reading (rows) and per rolled-up span. */
  async points(serverId: number, plan: PeriodPlan, filter: StatementFilter): Promise<TimePoint[]> {
    const parts: Promise<(MetricRow & { ts: number })[]>[] = plan.raw.map((span) =>
      this.raw(serverId, span, filter)
        .select(['n.ts as ts', ...SUMS])
        .groupBy('n.ts')
        .execute(),
    );
    for (const { spanMs, span } of plan.rollups) {
      parts.push(
        this.rollups(serverId, spanMs, span, filter)
          .select(['h.ts as ts', ...SUMS])
          .groupBy('h.ts')
          .execute(),
      );
    }
    return (await Promise.all(parts))
      .flat()
      .map((row) => ({ ts: Number(row.ts), metrics: metricsOf(row) }))
      .sort((a, b) => a.ts - b.ts);
  }

  /** Whether any series of the queryid (and filter) was ever stored for the server. */
  async seen(serverId: number, filter: StatementFilter): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('statement_series as s')
      .select('s.id')
      .where('s.server_id', '=', serverId)
      .where(matching(filter))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Stored texts by queryid. */
  async texts(
    serverId: number,
    queryids: string[],
  ): Promise<Map<string, { query: string; truncated: boolean }>> {
    const texts = new Map<string, { query: string; truncated: boolean }>();
    if (queryids.length === 0) return texts;
    const rows = await this.store.db
      .selectFrom('statement_texts')
      .select(['queryid', 'query', 'truncated'])
      .where('server_id', '=', serverId)
      .where('queryid', 'in', queryids)
      .execute();
    for (const row of rows)
      texts.set(row.queryid, { query: row.query, truncated: Number(row.truncated) === 1 });
    return texts;
  }

  /** The rollups (h) of `spanMs` of the matching series (s) in [from, to). */
  private rollups(serverId: number, spanMs: number, [from, to]: Span, filter: StatementFilter) {
    return this.store.db
      .selectFrom('statement_rollups as h')
      .innerJoin('statement_series as s', 's.id', 'h.series_id')
      .where('s.server_id', '=', serverId)
      .where('h.span_ms', '=', spanMs)
      .where('h.ts', '>=', from)
      .where('h.ts', '<', to)
      .where(matching(filter));
  }

  /** The per-interval rows of the matching series (s) of readings (n) in [from, to). */
  private raw(serverId: number, [from, to]: Span, filter: StatementFilter) {
    return this.store.db
      .selectFrom('statement_snapshots as n')
      .innerJoin('statement_samples as r', 'r.snapshot_id', 'n.id')
      .innerJoin('statement_series as s', 's.id', 'r.series_id')
      .where('n.server_id', '=', serverId)
      .where('n.ts', '>=', from)
      .where('n.ts', '<', to)
      .where(matching(filter));
  }
}

type MetricRow = Record<(typeof METRIC_COLUMNS)[number], number | string | null>;
type SeriesRow = MetricRow & {
  id: number;
  queryid: string;
  datname: string | null;
  usename: string | null;
  toplevel: number;
};

/** The filter on the series (aliased `s`) as one condition. */
function matching(filter: StatementFilter) {
  const conditions = [sql<SqlBool>`1 = 1`];
  if (filter.database !== undefined)
    conditions.push(sql<SqlBool>`${sql.ref('s.datname')} = ${filter.database}`);
  if (filter.user !== undefined)
    conditions.push(sql<SqlBool>`${sql.ref('s.usename')} = ${filter.user}`);
  if (filter.queryid !== undefined)
    conditions.push(sql<SqlBool>`${sql.ref('s.queryid')} = ${filter.queryid}`);
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}

/** Sums arrive as numbers (SQLite) or numeric text (PostgreSQL). */
function metricsOf(row: MetricRow): StatementMetricColumns {
  const metrics = {} as StatementMetricColumns;
  for (const column of METRIC_COLUMNS) metrics[column] = Number(row[column] ?? 0);
  return metrics;
}

function addRow(into: StatementMetricColumns, row: MetricRow): void {
  for (const column of METRIC_COLUMNS) into[column] += Number(row[column] ?? 0);
}

function toSeriesSums(row: SeriesRow): SeriesSums {
  return {
    id: Number(row.id),
    queryid: row.queryid,
    datname: row.datname,
    usename: row.usename,
    toplevel: Number(row.toplevel),
    metrics: metricsOf(row),
  };
}
