import { Module } from '@nestjs/common';
import { PoolModule } from '#pool';
import { ServersModule } from '#servers';
import { StatsModule } from '#stats';
import { StoreModule } from '#store';
import { CollectorStatusController } from './collector-status.controller.js';
import { CollectorRepository } from './collector.repository.js';
import { CollectorService } from './collector.service.js';
import { RetentionService } from './retention.service.js';
import { ServerSampler } from './server-sampler.js';

/**
 * The history collector. It runs when COLLECTOR_ENABLED is true (the API's default; the
 * separate apps/collector process forces it on), and GET /api/collector/status is served either way.
 */
@Module({
  imports: [StoreModule, ServersModule, PoolModule, StatsModule],
  controllers: [CollectorStatusController],
  providers: [CollectorRepository, ServerSampler, CollectorService, RetentionService],
  exports: [CollectorService, RetentionService],
})
export class CollectorModule {}
