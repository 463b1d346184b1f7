export { InsightModule } from './insight.module.js';
export { InsightRetentionTask } from './insight-retention.task.js';
export {
  ActivityAtQueryDto,
  ActivityHistoryQueryDto,
  ActivityHistoryView,
  ActivitySampleView,
} from './sessions/dto/session-history.dto.js';
export { SessionHistoryService } from './sessions/session-history.service.js';
export type { SessionRow } from './sessions/session-sample-sql.js';
export { SessionSampleTask } from './sessions/session-sample.task.js';
export {
  QueriesQueryDto,
  QueriesView,
  StatementPeriodQueryDto,
  StatementView,
} from './statements/dto/statements.dto.js';
export type { ParsedReading } from './statements/reading-rows.js';
export type { StatementEntry, StatementsReading } from './statements/statement-reading.js';
export { StatementsService } from './statements/statements.service.js';
export { StatementsSnapshotTask } from './statements/statements-snapshot.task.js';
