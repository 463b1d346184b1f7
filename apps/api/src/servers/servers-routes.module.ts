import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { StatsModule } from '#stats';
import { FastLaneModule } from '../fast-lane/fast-lane.module.js';
import { ServerTestsController } from './server-tests.controller.js';
import { ServersFastRoute } from './servers-fast-route.js';
import { ServersListCacheInterceptor } from './servers-list-cache.interceptor.js';
import { ServersListMemo } from './servers-list.memo.js';
import { ServersController } from './servers.controller.js';

/** /servers: configurations, answered with live status entries; the upstream UI's test buttons. */
@Module({
  imports: [ServersModule, StatsModule, FastLaneModule],
  controllers: [ServersController, ServerTestsController],
  providers: [ServersListMemo, ServersListCacheInterceptor, ServersFastRoute],
})
export class ServersRoutesModule {}
