import { Injectable } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelTestView, DeliveryView } from '../dto/channels.dto.js';
import { DeliveriesRepository, type DeliveryRecord } from './deliveries.repository.js';
import type { Notification } from './message.js';
import { Notifier } from './notifier.js';

/** A channel's delivery log, and its test button. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly deliveries: DeliveriesRepository,
    private readonly notifier: Notifier,
  ) {}

  async list(name: string, limit: number): Promise<DeliveryView[]> {
    const channel = await this.channels.get(name);
    return (await this.deliveries.list(channel.id, limit)).map(deliveryView);
  }

  /** Sends a test message now (from this process) and says what the receiver answered. */
  async test(name: string, actor: string): Promise<ChannelTestView> {
    const channel = await this.channels.get(name);
    const notification = testNotification(channel.name, actor);
    const outcome = await this.notifier.send(this.channels.open(channel), notification, null);
    await this.deliveries.recordTest(channel.id, notification, outcome);
    return {
      ok: outcome.ok,
      status: outcome.status,
      response: outcome.response,
      error: outcome.error,
      duration_ms: outcome.durationMs,
    };
  }
}

function testNotification(channel: string, actor: string): Notification {
  return {
    status: 'test',
    alert: {
      id: 0,
      server: 'pgmon',
      check: 'test',
      object: null,
      severity: 'warning',
      since: new Date().toISOString(),
      resolved_at: null,
      value: null,
      message: `Test message to channel ${channel}, sent by ${actor}`,
    },
  };
}

function deliveryView(delivery: DeliveryRecord): DeliveryView {
  const test = delivery.event === 'test';
  return {
    id: delivery.id,
    alert_id: delivery.alertId,
    event: delivery.event,
    state: delivery.state,
    attempts: delivery.attempts,
    created_at: iso(delivery.createdAt),
    finished_at: delivery.finishedAt === null ? null : iso(delivery.finishedAt),
    next_attempt_at: delivery.state === 'pending' ? iso(delivery.nextAttemptAt) : null,
    status: delivery.notification.status,
    server: test ? null : delivery.notification.alert.server,
    check: test ? null : delivery.notification.alert.check,
    log: delivery.log.map((attempt) => ({
      at: iso(attempt.at),
      status: attempt.status,
      response: attempt.response,
      error: attempt.error,
      duration_ms: attempt.durationMs,
    })),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
