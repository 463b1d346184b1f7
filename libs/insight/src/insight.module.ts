import { Module, type OnModuleInit } from '@nestjs/common';
import { CollectorModule, TaskScheduler } from '#collector';
import { ServersModule } from '#servers';
import { StoreModule } from '#store';
import { TargetQueryModule } from '#target-query';
import { InsightMetrics } from './insight.metrics.js';
import { InsightRetentionTask } from './insight-retention.task.js';
import { SessionHistoryService } from './sessions/session-history.service.js';
import { SessionSampleTask } from './sessions/session-sample.task.js';
import { SessionsStore } from './sessions/sessions.store.js';
import { StatementsReader } from './statements/statements-reader.js';
import { StatementsService } from './statements/statements.service.js';
import { StatementsSnapshotTask } from './statements/statements-snapshot.task.js';
import { StatementsWriter } from './statements/statements-writer.js';

/**
 * Query insight: pg_stat_statements history and active session history. Its collector tasks
 * are registered with the scheduler here, so they run wherever the collector runs (the API by
 * default, or the collector process); the services answer the routes from the store.
 */
@Module({
  imports: [StoreModule, ServersModule, TargetQueryModule, CollectorModule],
  providers: [
    InsightMetrics,
    StatementsWriter,
    StatementsReader,
    StatementsSnapshotTask,
    StatementsService,
    SessionsStore,
    SessionSampleTask,
    SessionHistoryService,
    InsightRetentionTask,
  ],
  exports: [
    StatementsService,
    SessionHistoryService,
    StatementsSnapshotTask,
    SessionSampleTask,
    InsightRetentionTask,
  ],
})
export class InsightModule implements OnModuleInit {
  constructor(
    private readonly scheduler: TaskScheduler,
    private readonly statements: StatementsSnapshotTask,
    private readonly sessions: SessionSampleTask,
    private readonly retention: InsightRetentionTask,
  ) {}

  onModuleInit(): void {
    for (const task of [this.statements, this.sessions, this.retention])
      this.scheduler.register(task);
  }
}
