import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { SettingsModule } from '#settings';
import { SystemEventsModule } from '#system-events';
import { StatsModule } from '#stats';
import { StoreModule } from '#store';
import { TargetQueryModule } from '#target-query';
import { CollectorRepository } from './collector.repository.js';
import { CollectorMetrics } from './collector.metrics.js';
import { CollectorService } from './collector.service.js';
import { CollectorStatusService } from './collector-status.service.js';
import { RetentionService } from './retention.service.js';
import { ServerSampler } from './server-sampler.js';
import { TaskScheduleRepository } from './tasks/task-schedule.repository.js';
import { TaskScheduler } from './tasks/task-scheduler.service.js';
import { TaskMetrics } from './tasks/task.metrics.js';

/**
 * The collector: history sampling (CollectorService) and the per-server tasks other features
 * register with TaskScheduler. It runs when COLLECTOR_ENABLED is true (the API's default; the
 * separate apps/collector process forces it on); its status is readable either way.
 */
@Module({
  imports: [
    StoreModule,
    ServersModule,
    StatsModule,
    TargetQueryModule,
    SettingsModule,
    SystemEventsModule,
  ],
  providers: [
    CollectorRepository,
    ServerSampler,
    CollectorService,
    CollectorStatusService,
    CollectorMetrics,
    RetentionService,
    TaskScheduleRepository,
    TaskScheduler,
    TaskMetrics,
  ],
  exports: [CollectorService, CollectorStatusService, RetentionService, TaskScheduler],
})
export class CollectorModule {}
