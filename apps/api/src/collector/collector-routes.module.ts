import { Module } from '@nestjs/common';
import { CollectorModule } from '#collector';
import { CollectorStatusController } from './collector-status.controller.js';

/** GET /api/collector/status. */
@Module({ imports: [CollectorModule], controllers: [CollectorStatusController] })
export class CollectorRoutesModule {}
