import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { StoreModule } from '#store';
import { AuditSessionsController } from './audit-sessions.controller.js';
import { AuditController } from './audit.controller.js';

/** GET /audit, and the upstream web UI's GET /api/audit/sessions and its stats. */
@Module({
  imports: [StoreModule, AuthModule],
  controllers: [AuditController, AuditSessionsController],
})
export class AuditRoutesModule {}
