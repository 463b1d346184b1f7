import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { CheckResultsFeed, type ChecksListener, type StoredChecks } from '#checks';
import { AppConfig } from '#config';
import { hasSsh, type ServerRecord } from '#servers';
import { StoreService, type Database } from '#store';
import { reaches } from './catalog.js';
import { AlertsRepository } from './alerts.repository.js';
import type { ChannelRecord } from './channels/channel.js';
import { ChannelsRepository } from './channels/channels.repository.js';
import { DeliveriesRepository, type NewDelivery } from './delivery/deliveries.repository.js';
import { DeliveryWorker } from './delivery/delivery.worker.js';
import type { AlertPayload } from './delivery/message.js';
import {
  alertSteps,
  type AlertFields,
  type AlertStep,
  type OpenAlert,
} from './evaluate/alert-steps.js';
import { conditionsOf } from './evaluate/conditions.js';
import { AlertRulesService } from './rules/alert-rules.service.js';
import { covers, SilencesRepository } from './silences/silences.repository.js';

/**
 * Turns each stored evaluation of a server's checks into alert changes, in the checks task's
 * run (one at a time per server, whichever collector runs it). A change and the notifications
 * it queues are one transaction, written only if the alert is still as it was read: of two
 * collectors, one queues each message. Sending is the DeliveryWorker's.
 */
@Injectable()
export class AlertEvaluator implements ChecksListener, OnModuleInit {
  constructor(
    private readonly feed: CheckResultsFeed,
    private readonly rules: AlertRulesService,
    private readonly alerts: AlertsRepository,
    private readonly silences: SilencesRepository,
    private readonly channels: ChannelsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly store: StoreService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.feed.subscribe(this);
  }

  async checksStored(checks: StoredChecks): Promise<void> {
    const { server } = checks;
    const open = await this.alerts.openOf(server.id);
    // The common case, read once: every check ok and no alert open, so nothing changes.
    if (open.length === 0 && checks.results.every((result) => result.status === 'ok')) return;
    const steps = await this.steps(checks, open);
    if (steps.length === 0) return;
    const channels = steps.some((step) => step.notice) ? await this.channels.list() : [];
    let queued = false;
    for (const step of steps) queued = (await this.apply(server, step, channels)) || queued;
    if (queued) this.worker.wake();
  }

  /** The changes; silences are read only when something would be told. */
  private async steps(checks: StoredChecks, open: OpenAlert[]): Promise<AlertStep[]> {
    const { server } = checks;
    const policies = await this.rules.policiesFor(server.id);
    const context = {
      readable: checks.readable,
      applies: (check: string) => check !== 'disk_free' || hasSsh(server),
    };
    const conditions = checks.results.map((result) =>
      conditionsOf(result, policies[result.id], context),
    );
    const plan = (silenced: (check: string) => boolean) =>
      alertSteps(open, conditions, {
        now: checks.checkedAt,
        silenced,
        repeatMs: this.config.alerts.repeatIntervalSeconds * 1000,
      });
    const unsilenced = plan(() => false);
    if (!unsilenced.some((step) => step.notice)) return unsilenced;
    const silences = await this.silences.active(Date.now(), server.id);
    return silences.length === 0 ? unsilenced : plan((check) => covers(silences, check));
  }

  /** Writes one step and queues its notifications; true when some were queued. */
  private async apply(
    server: ServerRecord,
    step: AlertStep,
    channels: ChannelRecord[],
  ): Promise<boolean> {
    return this.store.db.transaction().execute(async (trx) => {
      const id = await this.write(trx, server.id, step);
      if (id === null || !step.notice || !step.after) return false;
      const payload = payloadOf(id, server.name, step.after);
      const recipients =
        step.notice === 'resolved'
          ? await this.resolvedRecipients(trx, id, channels)
          : channels.filter((channel) =>
              reaches(step.after?.severity ?? 'critical', channel.minSeverity),
            );
      const deliveries: NewDelivery[] = recipients.map((channel) => ({
        channelId: channel.id,
        alertId: id,
        event: step.notice ?? 'firing',
        notification: {
          status: step.notice === 'resolved' ? 'resolved' : 'firing',
          alert: payload,
        },
      }));
      await this.deliveries.enqueue(trx, deliveries);
      return deliveries.length > 0;
    });
  }

  /** The alert's id once written; null when another collector changed it first. */
  private async write(
    trx: Kysely<Database>,
    serverId: number,
    step: AlertStep,
  ): Promise<number | null> {
    if (!step.before) return step.after ? this.alerts.insert(trx, serverId, step.after) : null;
    if (!step.after) {
      await this.alerts.drop(trx, step.before);
      return null;
    }
    return (await this.alerts.update(trx, step.before, step.after)) ? step.before.id : null;
  }

  /** Channels that were told the alert fired and want to hear it is over. */
  private async resolvedRecipients(
    trx: Kysely<Database>,
    alertId: number,
    channels: ChannelRecord[],
  ): Promise<ChannelRecord[]> {
    const told = new Set(await this.deliveries.channelsTold(trx, alertId));
    return channels.filter((channel) => told.has(channel.id) && channel.sendResolved);
  }
}

function payloadOf(id: number, server: string, alert: AlertFields): AlertPayload {
  return {
    id,
    server,
    check: alert.check,
    object: alert.key || null,
    severity: alert.severity,
    since: new Date(alert.since).toISOString(),
    resolved_at: alert.resolvedAt === null ? null : new Date(alert.resolvedAt).toISOString(),
    value: alert.value,
    message: alert.message,
  };
}
