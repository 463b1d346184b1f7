import { Module } from '@nestjs/common';
import { CollectorModule } from '#collector';
import { ServersModule } from '#servers';
import { SettingsModule } from '#settings';
import { StatsModule } from '#stats';
import { StoreModule } from '#store';
import { TargetQueryModule } from '#target-query';
import { CheckResultsFeed } from './check-results.feed.js';
import { CheckResultsRepository } from './check-results.repository.js';
import { CheckThresholds } from './check-thresholds.js';
import { ChecksEvaluator } from './checks-evaluator.js';
import { ChecksService } from './checks.service.js';
import { ChecksTask } from './checks.task.js';
import { DatabaseVisitor } from './reading/database-visitor.js';
import { ServerReader } from './reading/server-reader.js';

/**
 * Health checks: the collector's `checks` task evaluates them per server and stores the
 * results; ChecksService answers the routes from the store. Loaded by the API and by the
 * collector process alike.
 */
@Module({
  imports: [
    StoreModule,
    ServersModule,
    StatsModule,
    TargetQueryModule,
    CollectorModule,
    SettingsModule,
  ],
  providers: [
    CheckThresholds,
    ServerReader,
    DatabaseVisitor,
    ChecksEvaluator,
    CheckResultsRepository,
    CheckResultsFeed,
    ChecksService,
    ChecksTask,
  ],
  exports: [ChecksService, CheckThresholds, CheckResultsFeed],
})
export class ChecksModule {}
