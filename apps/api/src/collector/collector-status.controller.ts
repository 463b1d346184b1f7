import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { CollectorStatusService, CollectorStatusView } from '#collector';

/** GET /api/collector/status: the collector is honest about itself, whichever process runs it. */
@ApiTags('service')
@ApiAuth()
@Controller('api/collector')
export class CollectorStatusController {
  constructor(private readonly collector: CollectorStatusService) {}

  @Get('status')
  @ApiOperation({ summary: 'Per server: last successful sample, last error, lag' })
  @ApiOkResponse({ type: CollectorStatusView })
  status(): Promise<CollectorStatusView> {
    return this.collector.status();
  }
}
