import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '#auth';
import { ApiHealthService } from './api-health.service.js';
import { HealthView } from './health.view.js';

@ApiTags('service')
@Controller('api')
export class HealthController {
  constructor(private readonly health: ApiHealthService) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and readiness: store reachable, pool registry state' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: HealthView, description: 'A check failed' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthView> {
    const { healthy, view } = await this.health.view();
    if (!healthy) response.status(503);
    return view;
  }
}
