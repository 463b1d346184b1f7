import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, eventTypeOf, Roles, SESSION_ACTION_PREFIX, SessionAudit } from '#auth';
import { ApiErrors } from '#http';
import { parsePeriodEnd, parseQueryDate } from '#history';
import type { AuditRecord } from '#store';
import {
  AuditEventsPageView,
  AuditEventStatsView,
  AuditEventView,
  AuditSessionsQueryDto,
} from './audit-sessions.dto.js';

/** The audit log as the upstream web UI pages through it (admin), with its counters. */
@ApiTags('audit')
@ApiAuth()
@Roles('admin')
@Controller('api/audit/sessions')
export class AuditSessionsController {
  constructor(private readonly audit: SessionAudit) {}

  @Get()
  @ApiOperation({
    summary: 'Logins, logouts and every audited change, newest first, a page at a time (admin)',
  })
  @ApiOkResponse({ type: AuditEventsPageView })
  @ApiErrors({ 422: 'Bad date, limit or offset' })
  async list(@Query() query: AuditSessionsQueryDto): Promise<AuditEventsPageView> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const start = parseQueryDate(query.date_from, 'date_from');
    const end = parsePeriodEnd(query.date_to, 'date_to');
    const { records, total } = await this.audit.search({
      limit,
      offset,
      ...(query.username && { who: query.username }),
      ...(query.event_type && { eventType: query.event_type }),
      ...(start !== undefined && { start }),
      ...(end !== undefined && { end }),
    });
    return { items: records.map(toView), total, limit, offset };
  }

  @Get('stats')
  @ApiOperation({ summary: 'Counters of logins, failures and changes (admin)' })
  @ApiOkResponse({ type: AuditEventStatsView })
  async stats(): Promise<AuditEventStatsView> {
    const stats = await this.audit.stats();
    return {
      total_events: stats.totalEvents,
      logins_today: stats.loginsToday,
      unique_users_week: stats.uniqueUsersWeek,
      failed_total: stats.failedTotal,
      failed_today: stats.failedToday,
      actions_today: stats.actionsToday,
    };
  }
}

function toView(record: AuditRecord): AuditEventView {
  return {
    timestamp: new Date(record.at).toISOString(),
    event_type: eventTypeOf(record.action, record.outcome),
    username: record.actor ?? 'system',
    ip_address: record.clientIp,
    user_agent: record.userAgent,
    jti: null,
    details: describe(record),
  };
}

/** `target key=value ...`: what was acted on and how, in one line. */
function describe(record: AuditRecord): string | null {
  const parts: string[] = [];
  if (record.target && !record.action.startsWith(SESSION_ACTION_PREFIX)) parts.push(record.target);
  for (const [key, value] of Object.entries(record.details ?? {})) {
    if (value === undefined || value === null) continue;
    parts.push(`${key}=${text(value)}`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(',');
  return JSON.stringify(value);
}
