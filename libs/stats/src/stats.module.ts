import { Module } from '@nestjs/common';
import { PoolModule } from '#pool';
import { ServersModule } from '#servers';
import { SshModule } from '#ssh';
import { ActivityController } from './activity/activity.controller.js';
import { ActivityService } from './activity/activity.service.js';
import { DiskProbe } from './live/disk-probe.js';
import { PostgresProbe } from './live/postgres-probe.js';
import { ServerStatusService } from './live/server-status.service.js';
import { ServerCheckService } from './servers/server-check.service.js';
import { ServersController } from './servers/servers.controller.js';

/** Live status and activity of the monitored servers (history joins later). */
@Module({
  imports: [ServersModule, PoolModule, SshModule],
  controllers: [ServersController, ActivityController],
  providers: [PostgresProbe, DiskProbe, ServerStatusService, ServerCheckService, ActivityService],
  exports: [ServerStatusService, DiskProbe],
})
export class StatsModule {}
