import { Module } from '@nestjs/common';
import { StoreModule } from '#store';
import { SystemEventsLifecycle } from './system-events.lifecycle.js';
import { SystemEventsRepository } from './system-events.repository.js';
import { SystemEventsService } from './system-events.service.js';

/** pgmon's own events (GET /api/logs): recorded by the collector and at start and stop. */
@Module({
  imports: [StoreModule],
  providers: [SystemEventsRepository, SystemEventsService, SystemEventsLifecycle],
  exports: [SystemEventsService],
})
export class SystemEventsModule {}
