import { Module } from '@nestjs/common';
import { CollectorModule } from '#collector';
import { PoolModule } from '#pool';
import { SshModule } from '#ssh';
import { StatsModule } from '#stats';
import { StoreModule } from '#store';
import { MetricsAuthGuard } from './metrics-auth.guard.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** GET /metrics in Prometheus format; the API registers MetricsService.http as a middleware. */
@Module({
  imports: [StatsModule, SshModule, PoolModule, CollectorModule, StoreModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsAuthGuard],
  exports: [MetricsService],
})
export class MetricsModule {}
