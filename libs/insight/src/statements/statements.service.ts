import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '#config';
import type { DateRange } from '#history';
import type { ServerRecord } from '#servers';
import type {
  QueriesQueryDto,
  QueriesView,
  StatementPeriodQueryDto,
  StatementView,
} from './dto/statements.dto.js';
import { recentRange } from '../period-query.dto.js';
import { periodPlan, timelinePlan, type PeriodPlan } from './period-plan.js';
import { statementsHint } from './statements-availability.js';
import {
  StatementsReader,
  type StatementFilter,
  type StatementsState,
} from './statements-reader.js';
import {
  parseQueryid,
  queryEntryView,
  sumOf,
  timelineView,
  toplevelView,
  topSeries,
  totalsView,
} from './statements-views.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * GET /server/{name}/queries and /queries/{queryid}: the statements history, from the store
 * only (it answers while the server is down).
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly reader: StatementsReader,
    private readonly config: AppConfig,
  ) {}

  async list(server: ServerRecord, query: QueriesQueryDto): Promise<QueriesView> {
    const range = this.range(query);
    const state = await this.reader.state(server.id);
    const plan = this.plan(range, state);
    const series = await this.reader.seriesSums(server.id, plan, filterOf(query));
    const total = sumOf(series);
    const top = topSeries(series, query.sort ?? 'total_exec_time', query.limit ?? 50);
    const texts = await this.reader.texts(server.id, [
      ...new Set(top.map((entry) => entry.queryid)),
    ]);
    const available = state?.available ?? true;
    return {
      server: server.name,
      available,
      ...(!available && {
        reason: state?.reason ?? 'pg_stat_statements cannot be read',
        hint: statementsHint(state?.reasonCode ?? null, {
          database: server.database,
          user: server.user,
        }),
      }),
      aggregation: plan.aggregation,
      start_date: new Date(range.start).toISOString(),
      end_date: new Date(range.end).toISOString(),
      totals: totalsView(total),
      queries: top.map((entry) =>
        queryEntryView(entry, texts.get(entry.queryid), total.exec_time_us),
      ),
    };
  }

  async statement(
    server: ServerRecord,
    queryidText: string,
    query: StatementPeriodQueryDto,
  ): Promise<StatementView> {
    const queryid = parseQueryid(queryidText);
    const range = this.range(query);
    const filter = { ...filterOf(query), queryid };
    if (!(await this.reader.seen(server.id, filter)))
      throw new NotFoundException(`Statement ${queryid} was never seen on server ${server.name}`);
    const plan = this.plan(range, await this.reader.state(server.id));
    const [series, points, texts] = await Promise.all([
      this.reader.seriesSums(server.id, plan, filter),
      this.reader.points(server.id, timelinePlan(plan, range), filter),
      this.reader.texts(server.id, [queryid]),
    ]);
    const text = texts.get(queryid);
    return {
      server: server.name,
      queryid,
      query: text?.query ?? null,
      query_truncated: text?.truncated ?? false,
      aggregation: plan.aggregation,
      start_date: new Date(range.start).toISOString(),
      end_date: new Date(range.end).toISOString(),
      series: series.map((entry) => ({
        database: entry.datname,
        user: entry.usename,
        toplevel: toplevelView(entry.toplevel),
      })),
      totals: totalsView(sumOf(series)),
      timeline: timelineView(points, plan.aggregation),
    };
  }

  private range(query: StatementPeriodQueryDto): DateRange {
    return recentRange(
      query,
      this.config.insight.statementsRetentionDays,
      'STATEMENTS_RETENTION_DAYS',
    );
  }

  /** Per-interval rows are kept for the raw window, but never beyond the retention. */
  private plan(range: DateRange, state: StatementsState | undefined): PeriodPlan {
    const { statementsRawRetentionHours, statementsRetentionDays } = this.config.insight;
    const kept = Math.min(statementsRawRetentionHours * HOUR_MS, statementsRetentionDays * DAY_MS);
    return periodPlan(range, Date.now() - kept, state?.rolled ?? { tiles: null, hours: null });
  }
}

function filterOf(query: StatementPeriodQueryDto): StatementFilter {
  return {
    ...(query.database !== undefined && { database: query.database }),
    ...(query.user !== undefined && { user: query.user }),
  };
}
