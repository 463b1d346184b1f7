import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { StatsModule } from '#stats';
import { ServerTestsController } from './server-tests.controller.js';
import { ServersController } from './servers.controller.js';

/** /servers: configurations, answered with live status entries; the upstream UI's test buttons. */
@Module({
  imports: [ServersModule, StatsModule],
  controllers: [ServersController, ServerTestsController],
})
export class ServersRoutesModule {}
