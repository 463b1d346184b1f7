import { Module } from '@nestjs/common';
import { SystemEventsModule } from '#system-events';
import { LogsController } from './logs.controller.js';

/** /api/logs. */
@Module({ imports: [SystemEventsModule], controllers: [LogsController] })
export class LogsRoutesModule {}
