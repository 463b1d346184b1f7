import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditLogService } from './audit-log.service.js';
import { StoreChanges } from './store-changes.js';
import { StoreHealthIndicator } from './store.health.js';
import { StoreService } from './store.service.js';

@Module({
  imports: [TerminusModule],
  providers: [StoreService, AuditLogService, StoreHealthIndicator, StoreChanges],
  exports: [StoreService, AuditLogService, StoreHealthIndicator, StoreChanges],
})
export class StoreModule {}
