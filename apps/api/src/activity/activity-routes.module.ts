import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { StatsModule } from '#stats';
import { ActivityController } from './activity.controller.js';

/** GET /server_stats/{name}: live sessions. */
@Module({ imports: [ServersModule, StatsModule], controllers: [ActivityController] })
export class ActivityRoutesModule {}
