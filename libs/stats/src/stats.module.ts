import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { SshModule } from '#ssh';
import { TargetQueryModule } from '#target-query';
import { ActivityService } from './activity/activity.service.js';
import { DiskProbe } from './live/disk-probe.js';
import { PostgresProbe } from './live/postgres-probe.js';
import { ServerStatusService } from './live/server-status.service.js';
import { TargetMetrics } from './live/target.metrics.js';
import { ServerCheckService } from './servers/server-check.service.js';

/** Live status, activity and connection checks of the monitored servers. */
@Module({
  imports: [ServersModule, SshModule, TargetQueryModule],
  providers: [
    PostgresProbe,
    DiskProbe,
    ServerStatusService,
    ServerCheckService,
    ActivityService,
    TargetMetrics,
  ],
  exports: [ServerStatusService, ServerCheckService, ActivityService, DiskProbe],
})
export class StatsModule {}
