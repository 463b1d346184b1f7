import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, Roles } from '#auth';
import { resolvePeriod } from '#history';
import { ApiErrors } from '#http';
import { AuditLogService, type AuditRecord } from '#store';
import { AuditEntryView, AuditQueryDto } from './audit.dto.js';

const DAY_MS = 86_400_000;

/** GET /audit: who did what, for admins. */
@ApiTags('audit')
@ApiAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The audit log, newest first (default: the last 24 hours, 100 entries)',
  })
  @ApiOkResponse({ type: [AuditEntryView] })
  @ApiErrors({ 422: 'Bad date, start_date after end_date, bad limit' })
  async list(@Query() query: AuditQueryDto): Promise<AuditEntryView[]> {
    const { start, end } = resolvePeriod(query.start_date, query.end_date, DAY_MS);
    const records = await this.audit.search({
      start,
      end,
      ...(query.actor !== undefined && { actor: query.actor }),
      ...(query.action !== undefined && { action: query.action }),
      limit: query.limit ?? 100,
    });
    return records.map(toView);
  }
}

function toView(record: AuditRecord): AuditEntryView {
  return {
    ts: new Date(record.at).toISOString(),
    actor: record.actor,
    client_ip: record.clientIp,
    user_agent: record.userAgent,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    details: record.details,
  };
}
