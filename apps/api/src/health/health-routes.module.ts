import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolModule } from '#pool';
import { StoreModule } from '#store';
import { FastLaneModule } from '../fast-lane/fast-lane.module.js';
import { ApiHealthService } from './api-health.service.js';
import { HealthFastRoute } from './health-fast-route.js';
import { HealthController } from './health.controller.js';

/** GET /api/health (public): the store and the pool registry, checked for real. */
@Module({
  imports: [
    TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }),
    StoreModule,
    PoolModule,
    FastLaneModule,
  ],
  controllers: [HealthController],
  providers: [ApiHealthService, HealthFastRoute],
})
export class HealthRoutesModule {}
