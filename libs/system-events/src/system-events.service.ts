import { Injectable, Logger } from '@nestjs/common';
import type {
  NewSystemEvent,
  SystemEvent,
  SystemEventFilter,
  SystemEventStats,
} from './system-event.js';
import { SystemEventsRepository } from './system-events.repository.js';

const DAY_MS = 86_400_000;

/**
 * pgmon's own events, kept in the store for GET /api/logs: the collector failing and
 * recovering (per server and task, once per transition), retention failures, starts and stops.
 * Recording never fails the work that reports: a store that refuses the event is logged.
 */
@Injectable()
export class SystemEventsService {
  private readonly logger = new Logger('SystemEvents');

  constructor(private readonly repository: SystemEventsRepository) {}

  async record(event: NewSystemEvent): Promise<void> {
    try {
      await this.repository.insert(event);
    } catch (error) {
      this.logger.warn(
        `Event not recorded (${event.source}: ${event.message}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  page(filter: SystemEventFilter): Promise<{ events: SystemEvent[]; total: number }> {
    return this.repository.page(filter);
  }

  /** Removes events older than `days`; returns how many. */
  removeOlderThan(days: number, now = Date.now()): Promise<number> {
    return this.repository.deleteOlderThan(now - days * DAY_MS);
  }

  /** Every event, and the errors and warnings since midnight UTC. */
  async stats(now = Date.now()): Promise<SystemEventStats> {
    const today = now - (now % DAY_MS);
    const [total, errorsToday, warningsToday] = await Promise.all([
      this.repository.count(),
      this.repository.count({ level: 'error', since: today }),
      this.repository.count({ level: 'warning', since: today }),
    ]);
    return { total, errorsToday, warningsToday };
  }
}
