export { AuditLogService } from './audit-log.service.js';
export type { AuditEntry, AuditFilter, AuditRecord } from './audit-log.service.js';
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
  ServerDiskSamplesTable,
  ServersTable,
  StatementMetricColumns,
  StoreDialect,
  UsersTable,
} from './schema.js';
export { StoreChanges } from './store-changes.js';
export type { StoreTopic } from './store-changes.js';
export { StoreHealthIndicator } from './store.health.js';
export { StoreModule } from './store.module.js';
export { StoreService } from './store.service.js';
export { isUniqueViolation } from './unique-violation.js';
export { openStore } from './store-connection.js';
