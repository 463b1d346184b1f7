export { AuditLogService, containsPattern } from './audit-log.service.js';
export type {
  AuditCount,
  AuditEntry,
  AuditFilter,
  AuditPageFilter,
  AuditRecord,
} from './audit-log.service.js';
export type {
  AlertsTable,
  CheckResultsTable,
  ActivityBackendsTable,
  ActivitySessionsTable,
  CollectorStateTable,
  CollectorTasksTable,
  CounterColumns,
  Database,
  DbHourlyTable,
  DbSamplesTable,
  MonitoredDatabasesTable,
  RefreshTokensTable,
  ServerDiskSamplesTable,
  ServersTable,
  StatementMetricColumns,
  SettingsTable,
  SshKeysTable,
  StoreDialect,
  SystemEventsTable,
  UsersTable,
} from './schema.js';
export { StoreChanges } from './store-changes.js';
export type { StoreTopic } from './store-changes.js';
export { StoreHealthIndicator } from './store.health.js';
export { StoreModule } from './store.module.js';
export { StoreService } from './store.service.js';
export { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';
export { openStore } from './store-connection.js';
