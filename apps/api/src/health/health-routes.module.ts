import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolModule } from '#pool';
import { StoreModule } from '#store';
import { ApiHealthService } from './api-health.service.js';
import { HealthController } from './health.controller.js';

/** GET /api/health (public): the store and the pool registry, checked for real. */
@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }), StoreModule, PoolModule],
  controllers: [HealthController],
  providers: [ApiHealthService],
})
export class HealthRoutesModule {}
