import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '#auth';
import { AppConfig } from '#config';
import { PoolHealthIndicator, PoolRegistry } from '#pool';
import { StoreHealthIndicator } from '#store';
import { HealthView } from './health.view.js';

@ApiTags('service')
@Controller('api')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: StoreHealthIndicator,
    private readonly pools: PoolHealthIndicator,
    private readonly registry: PoolRegistry,
    private readonly config: AppConfig,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and readiness: store reachable, pool registry state' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: HealthView, description: 'A check failed' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthView> {
    const result = await this.runChecks();
    if (result.status !== 'ok' && result.status !== 'degraded') response.status(503);
    return {
      status: result.status,
      timestamp: new Date().toISOString(),
      pools_count: this.registry.size,
      version: this.config.version,
      log_level: this.config.log.level,
      checks: result.details,
    };
  }

  private async runChecks(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.store.check(), () => this.pools.check()]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }
}
