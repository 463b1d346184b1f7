import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { BEARER_SCHEME, Public } from '#auth';
import { ApiErrors } from '#http';
import { MetricsAuthGuard } from './metrics-auth.guard.js';

@ApiTags('service')
@Controller()
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get('metrics')
  // Not the global guard: MetricsAuthGuard accepts METRICS_TOKEN besides user tokens.
  @Public()
  @UseGuards(MetricsAuthGuard)
  @ApiBearerAuth(BEARER_SCHEME)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics (bearer: METRICS_TOKEN or a user token)' })
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { [Registry.PROMETHEUS_CONTENT_TYPE]: { schema: { type: 'string' } } },
  })
  @ApiErrors({
    401: {
      description: 'Neither METRICS_TOKEN nor a valid user token',
      headers: ['WWW-Authenticate'],
    },
  })
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
