import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CollectorService, SerialRounds } from '#collector';
import { AppConfig } from '#config';
import { AlertsRepository } from '../alerts.repository.js';
import { ChannelsService } from '../channels/channels.service.js';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository.js';
import { Notifier } from './notifier.js';
import { nextStep } from './retry.js';
import type { SendOutcome } from './send-outcome.js';

/** How often due deliveries are looked for (an evaluation that queues some wakes it at once). */
const TICK_MS = 1000;
/** Sends in flight in this process, and per channel: a slow receiver holds only its own. */
const MAX_IN_FLIGHT = 16;
const MAX_PER_CHANNEL = 2;
const PURGE_EVERY_MS = 3600_000;

/**
 * Sends the notifications queued in the store (the outbox), where the collector runs: claims
 * due deliveries, sends each under NOTIFICATION_TIMEOUT_MS, and records the attempt; a failed
 * one is tried again with exponential backoff. Nothing here blocks an evaluation or the API.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perChannel = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly rounds = new SerialRounds(() => this.claimAndSendAll());
  /** Asked to look again while a round was going: the round goes on once more. */
  private again = false;
  private stopped = true;
  private purgedAt = 0;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly channels: ChannelsService,
    private readonly notifier: Notifier,
    private readonly alerts: AlertsRepository,
    private readonly collector: CollectorService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.collector.enabled) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.rounds.drain(() => this.inFlight, this.config.alerts.sendTimeoutMs + 1000);
  }

  /** Looks for due deliveries now (after new ones were queued, or a send ended). */
  wake(): void {
    void this.tick();
  }

  async tick(): Promise<void> {
    if (this.stopped) return;
    // Said at once (not after an await), so the running round sees it before it ends.
    if (this.rounds.busy) this.again = true;
    else await this.rounds.run();
  }

  private async claimAndSendAll(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.claimAndSend();
      } while (this.again && !this.stopped);
      await this.purge();
    } catch (error) {
      this.logger.error(
        `Notification delivery failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async claimAndSend(): Promise<void> {
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return;
    const busy = new Set(
      [...this.perChannel].filter(([, count]) => count >= MAX_PER_CHANNEL).map(([id]) => id),
    );
    const claims = await this.deliveries.claimDue(
      this.collector.instanceId,
      free,
      this.config.alerts.sendTimeoutMs + 30_000,
      busy,
    );
    // Stopped while claiming: the claims' leases run out and a collector sends them.
    if (this.stopped) return;
    for (const claim of claims) {
      this.perChannel.set(claim.channelId, (this.perChannel.get(claim.channelId) ?? 0) + 1);
      const sending = this.deliver(claim)
        // The store failed: the lease runs out and a collector tries again.
        .catch((error: unknown) =>
          this.logger.error(
            `Notification ${claim.id}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => {
          this.inFlight.delete(sending);
          const left = (this.perChannel.get(claim.channelId) ?? 1) - 1;
          if (left > 0) this.perChannel.set(claim.channelId, left);
          else this.perChannel.delete(claim.channelId);
          this.wake();
        });
      this.inFlight.add(sending);
    }
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const channel = await this.channels.opened(claim.channelId);
    // A deleted channel took its deliveries with it.
    if (!channel) return;
    const outcome = await this.notifier
      .send(channel, claim.notification, claim.id)
      .catch((error: unknown) => this.unexpected(channel.name, error));
    const now = Date.now();
    const next = nextStep(claim, outcome, now);
    await this.deliveries.finish(claim, this.collector.instanceId, outcome, next, now);
    if (next.state === 'failed') {
      this.logger.warn(
        `Notification ${claim.id} to channel ${channel.name} given up after ${claim.attempts + 1} attempt(s): ${outcome.error ?? ''}`,
      );
    } else if (next.state === 'pending' && claim.attempts === 0) {
      this.logger.warn(
        `Notification ${claim.id} to channel ${channel.name} failed, will retry: ${outcome.error ?? ''}`,
      );
    }
  }

  /** A sender that threw instead of describing the failure: logged in full, tried again. */
  private unexpected(channel: string, error: unknown): SendOutcome {
    this.logger.error(
      `Sending to channel ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return {
      ok: false,
      retry: true,
      status: null,
      response: null,
      error: 'internal error (see pgmon’s log)',
      durationMs: 0,
    };
  }

  /** Hourly: resolved alerts (with their deliveries) and test messages past the retention. */
  private async purge(): Promise<void> {
    const now = Date.now();
    if (now - this.purgedAt < PURGE_EVERY_MS) return;
    this.purgedAt = now;
    const before = now - this.config.collector.retentionDays * 86_400_000;
    await this.alerts.purgeResolved(before);
    await this.deliveries.purgeTests(before);
  }
}
