import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '#config';
import { EVENT_SOURCES } from './system-event.js';
import { SystemEventsService } from './system-events.service.js';

/** Records each process's start and stop (while the store is still open). */
@Injectable()
export class SystemEventsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly events: SystemEventsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const collector = this.config.collector.enabled ? ', collector in this process' : '';
    await this.events.record({
      level: 'info',
      source: EVENT_SOURCES.system,
      message: `pgmon ${this.config.version} started on ${hostname()} (pid ${process.pid}${collector})`,
    });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.events.record({
      level: 'info',
      source: EVENT_SOURCES.system,
      message: `pgmon stopping on ${hostname()} (pid ${process.pid}${signal ? `, ${signal}` : ''})`,
    });
  }
}
