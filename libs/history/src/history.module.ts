import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { SettingsModule } from '#settings';
import { StoreModule } from '#store';
import { TargetQueryModule } from '#target-query';
import { ExistingDatabasesProbe } from './existing-databases.js';
import { HistoryService } from './history.service.js';
import { StatsDbHistorySource } from './sources/stats-db.source.js';
import { StoreHistorySource } from './sources/store-history.source.js';

/** Reading history: pgmon's store or a seed stats_db, aggregated for the history routes. */
@Module({
  imports: [StoreModule, ServersModule, TargetQueryModule, SettingsModule],
  providers: [HistoryService, StoreHistorySource, StatsDbHistorySource, ExistingDatabasesProbe],
  exports: [HistoryService],
})
export class HistoryModule {}
