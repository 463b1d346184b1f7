import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { ApiErrors } from '#http';
import { ApiServerName, ServersService } from '#servers';
import {
  DatabaseHistoryView,
  DatabaseSummaryView,
  HistoryQueryDto,
  HistoryService,
  ServerHistoryView,
} from '#history';

const NO_SUCH_DATABASE =
  'No such server, or a database without history that the server does not have';
const BAD_PERIOD = 'Bad date, start_date after end_date, or a period longer than the retention';

const ApiDatabaseName = (): MethodDecorator =>
  ApiParam({ name: 'db_name', description: 'A database of the server', example: 'production' });

@ApiTags('history')
@ApiAuth()
@Controller('server/:server_name')
export class HistoryController {
  constructor(
    private readonly servers: ServersService,
    private readonly history: HistoryService,
  ) {}

  @Get('stats')
  @ApiOperation({
    summary: 'History of a server over a period (default: the last 7 days)',
    description:
      'Answers from stored history even while the server is down. Commits are per bucket (differences of cumulative counters, restart- and reset-aware), never sums of raw counters.',
  })
  @ApiServerName()
  @ApiOkResponse({ type: ServerHistoryView })
  @ApiErrors({ 404: 'No such server', 422: BAD_PERIOD })
  async serverStats(
    @Param('server_name') name: string,
    @Query() query: HistoryQueryDto,
  ): Promise<ServerHistoryView> {
    const range = this.history.range(query.start_date, query.end_date);
    return this.history.serverHistory(await this.servers.get(name), range);
  }

  @Get('db/:db_name')
  @ApiOperation({
    summary:
      'Short summary of one database: latest size and backends, commits of the last 24 hours',
  })
  @ApiServerName()
  @ApiDatabaseName()
  @ApiOkResponse({ type: DatabaseSummaryView })
  @ApiErrors({ 404: NO_SUCH_DATABASE })
  async databaseSummary(
    @Param('server_name') name: string,
    @Param('db_name') datname: string,
  ): Promise<DatabaseSummaryView> {
    return this.history.databaseSummary(await this.servers.get(name), datname);
  }

  @Get('db/:db_name/stats')
  @ApiOperation({
    summary:
      'History of one database over a period: backends, size, commits and the other counters per bucket',
  })
  @ApiServerName()
  @ApiDatabaseName()
  @ApiOkResponse({ type: DatabaseHistoryView })
  @ApiErrors({ 404: NO_SUCH_DATABASE, 422: BAD_PERIOD })
  async databaseStats(
    @Param('server_name') name: string,
    @Param('db_name') datname: string,
    @Query() query: HistoryQueryDto,
  ): Promise<DatabaseHistoryView> {
    const range = this.history.range(query.start_date, query.end_date);
    return this.history.databaseHistory(await this.servers.get(name), datname, range);
  }
}
