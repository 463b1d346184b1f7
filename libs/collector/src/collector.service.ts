import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#config';
import { ServersService, type ServerRecord } from '#servers';
import { SettingsService } from '#settings';
import { EVENT_SOURCES, SystemEventsService } from '#system-events';
import { describePgFailure, TargetFailedError, type PgFailure } from '#target-query';
import { CollectorMetrics } from './collector.metrics.js';
import { CollectorRepository, type Claim } from './collector.repository.js';
import { SerialRounds } from './serial-rounds.js';
import { ServerSampler, StoreWriteError } from './server-sampler.js';

/** How often the schedule is checked for due servers. */
const TICK_MS = 1000;
/** How long shutdown waits for samples in flight. */
const DRAIN_MS = 10_000;

/**
 * Samples every server every collect_interval seconds (a runtime setting, COLLECT_INTERVAL by
 * default; jittered), at most COLLECT_CONCURRENCY
 * at once, so one slow or dead server never delays the others. The schedule lives in the
 * store: each sample is claimed with a conditional update, so several collector processes on
 * one PostgreSQL store never sample a server twice for the same slot.
 */
@Injectable()
export class CollectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Collector');
  /** Names the process in collector_state.claimed_by (at most 64 characters). */
  readonly instanceId = `${hostname().slice(0, 40)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly rounds = new SerialRounds(() => this.claimAndCollect());
  private stopped = false;
  /** The interval of the previous round, to notice it shrink. */
  private lastIntervalMs: number | undefined;

  constructor(
    private readonly repository: CollectorRepository,
    private readonly sampler: ServerSampler,
    private readonly servers: ServersService,
    private readonly config: AppConfig,
    private readonly metrics: CollectorMetrics,
    private readonly settings: SettingsService,
    private readonly events: SystemEventsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.collector.enabled) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    this.logger.log(
      `Collecting every ${this.settings.value('collect_interval')} s (sizes every ${this.settings.value('size_update_interval')} s), ${this.config.collector.concurrency} server(s) at a time`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.rounds.drain(() => this.inFlight, DRAIN_MS);
  }

  /** One scheduling round: claim due servers for the free slots and sample them in the background. */
  async tick(): Promise<void> {
    if (!this.stopped) await this.rounds.run();
  }

  private async claimAndCollect(): Promise<void> {
    try {
      const free = this.config.collector.concurrency - this.inFlight.size;
      if (free <= 0) return;
      const intervalMs = this.settings.milliseconds('collect_interval');
      // A shorter interval applies now, not after the slots scheduled with the longer one.
      if (this.lastIntervalMs !== undefined && intervalMs < this.lastIntervalMs)
        await this.repository.pullNextDueWithin(intervalMs);
      this.lastIntervalMs = intervalMs;
      await this.repository.scheduleNewServers(intervalMs);
      const claims = await this.repository.claimDue(
        this.instanceId,
        free,
        intervalMs,
        this.settings.milliseconds('size_update_interval'),
      );
      // Stopped while claiming: these slots are skipped; the servers come due one interval on.
      if (this.stopped) return;
      for (const claim of claims) this.track(this.collect(claim));
    } catch (error) {
      this.logger.error(
        `Scheduling failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Samples one server now, outside the schedule (tests, benchmarks, an operator's request). */
  async collectNow(serverId: number, sizes = true): Promise<void> {
    await this.repository.scheduleNewServers(this.settings.milliseconds('collect_interval'));
    await this.collect({ serverId, dueAt: Date.now(), sizesDue: sizes });
  }

  private describeFailure(server: ServerRecord, error: unknown): PgFailure {
    if (error instanceof TargetFailedError) return error.failure;
    if (error instanceof StoreWriteError) {
      this.logger.error(`${server.name}: ${error.message}`);
      return {
        code: 'store_error',
        reason: 'store error',
        message: 'the sample could not be written to pgmon’s store',
      };
    }
    return describePgFailure(error, {
      host: server.host,
      port: server.port,
      user: server.user,
      database: server.database,
      timeoutMs: this.config.targets.connectTimeoutMs,
    });
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async collect(claim: Claim): Promise<void> {
    const server = await this.servers.findById(claim.serverId);
    if (!server) return;
    const started = Date.now();
    const previous = await this.repository.state(server.id);
    try {
      const result = await this.sampler.sample(server, claim);
      await this.repository.recordSuccess(
        server.id,
        Date.now() - started,
        started - claim.dueAt,
        result.databases,
      );
      if (previous?.last_error_code) await this.recovered(server);
    } catch (error) {
      const failure = this.describeFailure(server, error);
      await this.repository.recordFailure(server.id, failure.code, failure.message);
      this.metrics.failed(server.name);
      if (previous?.last_error_code !== failure.code) await this.failed(server, failure);
    }
  }

  /** A failure is logged and recorded once when it starts (or changes), not at every sample. */
  private async failed(server: ServerRecord, failure: PgFailure): Promise<void> {
    const message = `${server.name}: sampling failed: ${failure.message}`;
    this.logger.warn(message);
    await this.events.record({
      level: 'error',
      source: EVENT_SOURCES.history,
      message,
      details: failure.code,
    });
  }

  private async recovered(server: ServerRecord): Promise<void> {
    const message = `${server.name}: sampling works again`;
    this.logger.log(message);
    await this.events.record({ level: 'info', source: EVENT_SOURCES.history, message });
  }
}
