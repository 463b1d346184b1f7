import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { StatsModule } from '#stats';
import { ServersController } from './servers.controller.js';

/** /servers: configurations, answered with live status entries. */
@Module({ imports: [ServersModule, StatsModule], controllers: [ServersController] })
export class ServersRoutesModule {}
