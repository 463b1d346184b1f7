import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { ChecksService, FleetEntryView, ServerChecksView } from '#checks';
import { ApiErrors } from '#http';
import { ApiServerName, ServersService } from '#servers';

const FROM_STORE =
  'From the collector’s last evaluation (every CHECKS_INTERVAL seconds), never a live read.';

/** Health checks: one server's, and the fleet at a glance. */
@ApiTags('checks')
@ApiAuth()
@Controller()
export class ChecksController {
  constructor(
    private readonly servers: ServersService,
    private readonly checks: ChecksService,
  ) {}

  @Get('server/:server_name/checks')
  @ApiOperation({
    summary: 'Every health check of one server: status, value, thresholds, hint, objects',
    description: FROM_STORE,
  })
  @ApiServerName()
  @ApiOkResponse({ type: ServerChecksView })
  @ApiErrors({ 404: 'No such server' })
  async server(@Param('server_name') name: string): Promise<ServerChecksView> {
    return this.checks.forServer(await this.servers.get(name));
  }

  @Get('checks')
  @ApiOperation({
    summary: 'The fleet at a glance, worst first: counts per status and the failing checks',
    description: FROM_STORE,
  })
  @ApiOkResponse({ type: [FleetEntryView] })
  fleet(): Promise<FleetEntryView[]> {
    return this.checks.fleet();
  }
}
