import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, Roles } from '#auth';
import { ApiErrors } from '#http';
import { parsePeriodEnd, parseQueryDate } from '#history';
import { SystemEventsService } from '#system-events';
import { LogsPageView, LogsQueryDto, LogStatsView } from './logs.dto.js';

/** /api/logs: pgmon's own events (the collector failing and recovering, starts, stops), admin. */
@ApiTags('logs')
@ApiAuth()
@Roles('admin')
@Controller('api/logs')
export class LogsController {
  constructor(private readonly events: SystemEventsService) {}

  @Get()
  @ApiOperation({ summary: 'pgmon’s own events, newest first, a page at a time (admin)' })
  @ApiOkResponse({ type: LogsPageView })
  @ApiErrors({ 422: 'Bad level, date, limit or offset' })
  async list(@Query() query: LogsQueryDto): Promise<LogsPageView> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const start = parseQueryDate(query.date_from, 'date_from');
    const end = parsePeriodEnd(query.date_to, 'date_to');
    const { events, total } = await this.events.page({
      limit,
      offset,
      ...(query.level && { level: query.level }),
      ...(query.source && { source: query.source }),
      ...(query.search && { search: query.search }),
      ...(start !== undefined && { start }),
      ...(end !== undefined && { end }),
    });
    const items = events.map((event) => ({
      timestamp: new Date(event.at).toISOString(),
      level: event.level,
      source: event.source,
      message: event.message,
      details: event.details,
    }));
    return { items, total, limit, offset };
  }

  @Get('stats')
  @ApiOperation({ summary: 'How many events, and the errors and warnings of today (admin)' })
  @ApiOkResponse({ type: LogStatsView })
  async stats(): Promise<LogStatsView> {
    const stats = await this.events.stats();
    return {
      total: stats.total,
      errors_today: stats.errorsToday,
      warnings_today: stats.warningsToday,
    };
  }
}
