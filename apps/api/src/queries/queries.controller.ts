import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { ApiErrors } from '#http';
import {
  QueriesQueryDto,
  QueriesView,
  StatementPeriodQueryDto,
  StatementsService,
  StatementView,
} from '#insight';
import { ApiServerName, ServersService } from '#servers';

@ApiTags('query insight')
@ApiAuth()
@Controller('server/:server_name/queries')
export class QueriesController {
  constructor(
    private readonly servers: ServersService,
    private readonly statements: StatementsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Statements that cost the most over a period (pg_stat_statements history)',
    description:
      'From pgmon’s store (it answers while the server is down); default: the last 24 hours. Numbers are what happened during the period: differences of pg_stat_statements’ counters, reset-, eviction- and restart-aware. available: false (with reason and hint) when the extension could not be read at the last attempt.',
  })
  @ApiServerName()
  @ApiOkResponse({ type: QueriesView })
  @ApiErrors({
    404: 'No such server',
    422: 'Bad date, sort or limit, or a period longer than STATEMENTS_RETENTION_DAYS',
  })
  async list(
    @Param('server_name') name: string,
    @Query() query: QueriesQueryDto,
  ): Promise<QueriesView> {
    return this.statements.list(await this.servers.get(name), query);
  }

  @Get(':queryid')
  @ApiParam({
    name: 'queryid',
    description: 'pg_stat_statements’ queryid (a 64-bit integer), or "other"',
    schema: { type: 'string', pattern: '^(-?[0-9]{1,20}|other)$', example: '-6108185412419488235' },
  })
  @ApiOperation({ summary: 'One statement over a period: its text, totals and timeline' })
  @ApiServerName()
  @ApiOkResponse({ type: StatementView })
  @ApiErrors({
    404: 'No such server, or a statement pgmon never stored',
    422: 'Bad queryid or date',
  })
  async statement(
    @Param('server_name') name: string,
    @Param('queryid') queryid: string,
    @Query() query: StatementPeriodQueryDto,
  ): Promise<StatementView> {
    return this.statements.statement(await this.servers.get(name), queryid, query);
  }
}
