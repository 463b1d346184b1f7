import { Module } from '@nestjs/common';
import { StoreModule } from '#store';
import { AuditController } from './audit.controller.js';

/** GET /audit. */
@Module({ imports: [StoreModule], controllers: [AuditController] })
export class AuditRoutesModule {}
