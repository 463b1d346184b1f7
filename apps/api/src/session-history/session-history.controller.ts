import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { ApiErrors } from '#http';
import {
  ActivityAtQueryDto,
  ActivityHistoryQueryDto,
  ActivityHistoryView,
  ActivitySampleView,
  SessionHistoryService,
} from '#insight';
import { ApiServerName, ServersService } from '#servers';

@ApiTags('query insight')
@ApiAuth()
@Controller('server/:server_name/activity')
export class SessionHistoryController {
  constructor(
    private readonly servers: ServersService,
    private readonly sessions: SessionHistoryService,
  ) {}

  @Get('history')
  @ApiOperation({
    summary:
      'Active session history: average sessions per wait event (or state, query, ...) over time',
    description:
      'From session samples taken every ACTIVITY_SAMPLE_INTERVAL seconds (pgmon’s own sessions excluded); default: the last 24 hours. CPU: an active session with no wait event.',
  })
  @ApiServerName()
  @ApiOkResponse({ type: ActivityHistoryView })
  @ApiErrors({
    404: 'No such server',
    422: 'Bad date or group_by, or a period longer than ACTIVITY_RETENTION_DAYS',
  })
  async history(
    @Param('server_name') name: string,
    @Query() query: ActivityHistoryQueryDto,
  ): Promise<ActivityHistoryView> {
    return this.sessions.history(await this.servers.get(name), query);
  }

  @Get('at')
  @ApiOperation({
    summary: 'The sessions of the sample nearest to ts (at most two intervals away)',
  })
  @ApiServerName()
  @ApiOkResponse({ type: ActivitySampleView })
  @ApiErrors({ 404: 'No such server, or no sample near ts', 422: 'ts missing or not ISO 8601' })
  async at(
    @Param('server_name') name: string,
    @Query() query: ActivityAtQueryDto,
  ): Promise<ActivitySampleView> {
    return this.sessions.at(await this.servers.get(name), query.ts);
  }
}
