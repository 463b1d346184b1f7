import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, Roles } from '#auth';
import { ApiErrors } from '#http';
import { ApiServerName, ServersService } from '#servers';
import { ConnectionTestView, ServerCheckService, SshTestView } from '#stats';

/**
 * The upstream web UI's test buttons: PostgreSQL alone and an SSH login alone, answered as
 * `{"success", "message"}` (a failure is a 200 saying why). Same role and limits as /test.
 */
@ApiTags('servers')
@ApiAuth()
@Roles('operator')
@Controller('api/servers')
export class ServerTestsController {
  constructor(
    private readonly servers: ServersService,
    private readonly checks: ServerCheckService,
  ) {}

  @Post(':server_name/test-pg')
  @HttpCode(200)
  @ApiOperation({ summary: 'Connect to PostgreSQL now (fresh connection) and say how it went' })
  @ApiServerName()
  @ApiOkResponse({ type: ConnectionTestView })
  @ApiErrors({ 404: 'No such server', 429: 'Too many checks of this target are running' })
  async testPostgres(@Param('server_name') name: string): Promise<ConnectionTestView> {
    return this.checks.testPostgres(await this.servers.get(name));
  }

  @Post(':server_name/test-ssh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in over SSH now (no cache) and say how it went' })
  @ApiServerName()
  @ApiOkResponse({ type: SshTestView })
  @ApiErrors({ 404: 'No such server', 429: 'Too many checks of this target are running' })
  async testSsh(@Param('server_name') name: string): Promise<SshTestView> {
    return this.checks.testSsh(await this.servers.get(name));
  }
}
