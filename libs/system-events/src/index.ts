export { EVENT_LEVELS, EVENT_SOURCES, taskSource } from './system-event.js';
export type {
  EventLevel,
  NewSystemEvent,
  SystemEvent,
  SystemEventFilter,
  SystemEventStats,
} from './system-event.js';
export { SystemEventsModule } from './system-events.module.js';
export { SystemEventsService } from './system-events.service.js';
