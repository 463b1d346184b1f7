import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#config';
import { SettingsService } from '#settings';
import { EVENT_SOURCES, SystemEventsService } from '#system-events';
import { CollectorRepository } from './collector.repository.js';

const EVERY_MS = 3_600_000;
const FIRST_RUN_AFTER_MS = 60_000;
/** Pause between delete batches, so readers and the collector get the store in between. */
const BATCH_PAUSE_MS = 50;

/**
 * Removes history older than history_retention_days and pgmon's own events older than
 * logs_retention_days (runtime settings), hourly, history in small batches.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly repository: CollectorRepository,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly events: SystemEventsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.collector.enabled) return;
    const first = setTimeout(() => void this.run(), FIRST_RUN_AFTER_MS);
    const every = setInterval(() => void this.run(), EVERY_MS);
    for (const timer of [first, every]) timer.unref();
    this.timers = [first, every];
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Deletes what is older than the retention; returns the number of samples removed. */
  async run(now = Date.now()): Promise<number> {
    const days = this.settings.value('history_retention_days');
    const cutoff = now - days * 86_400_000;
    let removed = 0;
    try {
      for (
        let batch = await this.repository.deleteOldSamples(cutoff);
        batch > 0 && !this.stopped;
        batch = await this.repository.deleteOldSamples(cutoff)
      ) {
        removed += batch;
        await new Promise((resolve) => setTimeout(resolve, BATCH_PAUSE_MS));
      }
      await this.repository.deleteOldRollupsAndDisk(cutoff);
      if (removed > 0) this.logger.log(`Removed ${removed} samples older than ${days} days`);
      await this.events.removeOlderThan(this.settings.value('logs_retention_days'), now);
    } catch (error) {
      await this.failed(error);
    }
    return removed;
  }

  private async failed(error: unknown): Promise<void> {
    const message = `Retention failed: ${error instanceof Error ? error.message : String(error)}`;
    this.logger.error(message);
    await this.events.record({ level: 'error', source: EVENT_SOURCES.maintenance, message });
  }
}
