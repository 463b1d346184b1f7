export { AuditLogService } from './audit-log.service.js';
export type { AuditEntry, AuditFilter, AuditRecord } from './audit-log.service.js';
export type {
  AlertsTable,
  CheckResultsTable,
  CollectorStateTable,
  CollectorTasksTable,
  CounterColumns,
  Database,
  DbHourlyTable,
  DbSamplesTable,
  MonitoredDatabasesTable,
  ServerDiskSamplesTable,
  ServersTable,
  StoreDialect,
  UsersTable,
} from './schema.js';
export { StoreHealthIndicator } from './store.health.js';
export { StoreModule } from './store.module.js';
export { StoreService } from './store.service.js';
export { isUniqueViolation } from './unique-violation.js';
export { openStore } from './store-connection.js';
