import { Controller, Get, Query, UnprocessableEntityException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, Roles } from '#auth';
import { parseQueryDate } from '#history';
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
    const end = parseQueryDate(query.end_date, 'end_date') ?? Date.now();
    const start = parseQueryDate(query.start_date, 'start_date') ?? end - DAY_MS;
    if (start > end) {
      throw new UnprocessableEntityException({
        detail: [
          {
            loc: ['query', 'start_date'],
            msg: 'start_date must not be after end_date',
            type: 'value_error',
          },
        ],
      });
    }
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
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    details: record.details,
  };
}
