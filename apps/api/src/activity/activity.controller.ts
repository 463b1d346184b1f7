import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { ApiErrors } from '#http';
import { ApiServerName, ServersService } from '#servers';
import { ActivityQueryDto, ActivityService, ActivityView } from '#stats';

@ApiTags('monitoring')
@ApiAuth()
@Controller('server_stats')
export class ActivityController {
  constructor(
    private readonly servers: ServersService,
    private readonly activity: ActivityService,
  ) {}

  @Get(':server_name')
  @ApiOperation({
    summary: 'Live sessions and running queries (pg_stat_activity), longest-running first',
  })
  @ApiServerName()
  @ApiOkResponse({ type: ActivityView })
  @ApiErrors({
    404: 'No such server',
    422: 'A filter out of range',
    502: 'PostgreSQL could not be reached; detail says why',
    504: 'PostgreSQL did not answer in time',
  })
  async sessions(
    @Param('server_name') name: string,
    @Query() query: ActivityQueryDto,
  ): Promise<ActivityView> {
    const server = await this.servers.get(name);
    return this.activity.sessions(server, {
      ...(query.state !== undefined && { state: query.state }),
      ...(query.datname !== undefined && { datname: query.datname }),
      ...(query.min_duration_ms !== undefined && { minDurationMs: query.min_duration_ms }),
      limit: query.limit ?? 1000,
    });
  }
}
