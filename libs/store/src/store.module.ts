import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditLogService } from './audit-log.service.js';
import { StoreHealthIndicator } from './store.health.js';
import { StoreService } from './store.service.js';

@Module({
  imports: [TerminusModule],
  providers: [StoreService, AuditLogService, StoreHealthIndicator],
  exports: [StoreService, AuditLogService, StoreHealthIndicator],
})
export class StoreModule {}
