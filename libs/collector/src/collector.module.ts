import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { StatsModule } from '#stats';
import { StoreModule } from '#store';
import { TargetQueryModule } from '#target-query';
import { CollectorRepository } from './collector.repository.js';
import { CollectorMetrics } from './collector.metrics.js';
import { CollectorService } from './collector.service.js';
import { CollectorStatusService } from './collector-status.service.js';
import { RetentionService } from './retention.service.js';
import { ServerSampler } from './server-sampler.js';

/**
 * The history collector. It runs when COLLECTOR_ENABLED is true (the API's default; the
 * separate apps/collector process forces it on); its status is readable either way.
 */
@Module({
  imports: [StoreModule, ServersModule, StatsModule, TargetQueryModule],
  providers: [
    CollectorRepository,
    ServerSampler,
    CollectorService,
    CollectorStatusService,
    CollectorMetrics,
    RetentionService,
  ],
  exports: [CollectorService, CollectorStatusService, RetentionService],
})
export class CollectorModule {}
