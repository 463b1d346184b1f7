import { Module } from '@nestjs/common';
import { PoolModule } from '#pool';
import { ServersModule } from '#servers';
import { StoreModule } from '#store';
import { ExistingDatabasesProbe } from './existing-databases.js';
import { HistoryController } from './history.controller.js';
import { HistoryService } from './history.service.js';
import { StatsDbHistorySource } from './sources/stats-db.source.js';
import { StoreHistorySource } from './sources/store-history.source.js';

/** Reading history: the three history routes over pgmon's store or a seed stats_db. */
@Module({
  imports: [StoreModule, ServersModule, PoolModule],
  controllers: [HistoryController],
  providers: [HistoryService, StoreHistorySource, StatsDbHistorySource, ExistingDatabasesProbe],
})
export class HistoryModule {}
