import { Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { StoreService, type Database } from '#store';
import type { Notification } from './message.js';
import type { SendOutcome } from './send-outcome.js';

export type DeliveryEvent = 'firing' | 'repeat' | 'resolved' | 'test';

export interface NewDelivery {
  channelId: number;
  alertId: number | null;
  event: DeliveryEvent;
  notification: Notification;
}

/** A delivery this process holds the lease of. */
export interface ClaimedDelivery {
  id: number;
  channelId: number;
  event: DeliveryEvent;
  notification: Notification;
  attempts: number;
  createdAt: number;
}

/** Where a delivery goes after an attempt. */
export type NextStep = { state: 'sent' | 'failed' } | { state: 'pending'; at: number };

export interface AttemptRecord {
  at: number;
  durationMs: number;
  status: number | null;
  response: string | null;
  error: string | null;
}

export interface DeliveryRecord {
  id: number;
  alertId: number | null;
  event: DeliveryEvent;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  createdAt: number;
  finishedAt: number | null;
  nextAttemptAt: number;
  notification: Notification;
  log: AttemptRecord[];
}

type DeliveryRow = Selectable<Database['notification_deliveries']>;

/**
 * notification_deliveries (the outbox, then the log) and notification_attempts. A collector
 * claims a due delivery with a conditional update of its lease, so of several collectors one
 * sends each attempt; a delivery waits while an earlier one of the same alert to the same
 * channel is pending, so a channel hears "resolved" after "firing".
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly store: StoreService) {}

  async enqueue(db: Kysely<Database>, deliveries: NewDelivery[], now = Date.now()): Promise<void> {
    if (deliveries.length === 0) return;
    await db
      .insertInto('notification_deliveries')
      .values(
        deliveries.map((delivery) => ({
          channel_id: delivery.channelId,
          alert_id: delivery.alertId,
          event: delivery.event,
          payload: JSON.stringify(delivery.notification),
          state: 'pending' as const,
          next_attempt_at: now,
          created_at: now,
        })),
      )
      .execute();
  }

  /** The channels the alert was sent to as firing (they hear of its end). */
  async channelsTold(db: Kysely<Database>, alertId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('notification_deliveries')
      .select('channel_id')
      .distinct()
      .where('alert_id', '=', alertId)
      .where('event', 'in', ['firing', 'repeat'])
      .execute();
    return rows.map((row) => Number(row.channel_id));
  }

  /** Claims up to `limit` due deliveries, none for a channel in `busy`. */
  async claimDue(
    owner: string,
    limit: number,
    leaseMs: number,
    busy: ReadonlySet<number>,
    now = Date.now(),
  ): Promise<ClaimedDelivery[]> {
    let query = this.store.db
      .selectFrom('notification_deliveries as d')
      .selectAll('d')
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('notification_deliveries as e')
              .select('e.id')
              .whereRef('e.channel_id', '=', 'd.channel_id')
              .whereRef('e.alert_id', '=', 'd.alert_id')
              .where('e.state', '=', 'pending')
              .whereRef('e.id', '<', 'd.id'),
          ),
        ),
      )
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(limit);
    if (busy.size > 0) query = query.where('d.channel_id', 'not in', [...busy]);
    const claimed: ClaimedDelivery[] = [];
    for (const row of await query.execute()) {
      const result = await this.store.db
        .updateTable('notification_deliveries')
        .set({ lease_until: now + leaseMs, claimed_by: owner })
        .where('id', '=', row.id)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) claimed.push(toClaimed(row));
    }
    return claimed;
  }

  /** Records the attempt and where the delivery goes next, if this process still holds it. */
  async finish(
    claim: ClaimedDelivery,
    owner: string,
    outcome: SendOutcome,
    next: NextStep,
    now = Date.now(),
  ): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('notification_deliveries')
        .set({
          state: next.state,
          attempts: sql<number>`attempts + 1`,
          lease_until: null,
          next_attempt_at: next.state === 'pending' ? next.at : now,
          finished_at: next.state === 'pending' ? null : now,
          last_error: outcome.error,
        })
        .where('id', '=', claim.id)
        .where('claimed_by', '=', owner)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1)
        await insertAttempt(trx, claim.id, owner, outcome, now);
    });
  }

  /** A test message sent right away: its delivery and its one attempt, in the log. */
  async recordTest(
    channelId: number,
    notification: Notification,
    outcome: SendOutcome,
    now = Date.now(),
  ): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('notification_deliveries')
        .values({
          channel_id: channelId,
          alert_id: null,
          event: 'test',
          payload: JSON.stringify(notification),
          state: outcome.ok ? 'sent' : 'failed',
          attempts: 1,
          next_attempt_at: now,
          created_at: now,
          finished_at: now,
          last_error: outcome.error,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await insertAttempt(trx, Number(row.id), null, outcome, now);
    });
  }

  /** The channel's deliveries, newest first, each with its attempts. */
  async list(channelId: number, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.store.db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const attempts = await this.store.db
      .selectFrom('notification_attempts')
      .selectAll()
      .where(
        'delivery_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      ...toClaimed(row),
      alertId: row.alert_id === null ? null : Number(row.alert_id),
      state: row.state,
      finishedAt: row.finished_at === null ? null : Number(row.finished_at),
      nextAttemptAt: Number(row.next_attempt_at),
      log: attempts
        .filter((attempt) => Number(attempt.delivery_id) === Number(row.id))
        .map((attempt) => ({
          at: Number(attempt.at),
          durationMs: Number(attempt.duration_ms),
          status: attempt.status_code === null ? null : Number(attempt.status_code),
          response: attempt.response,
          error: attempt.error,
        })),
    }));
  }

  /** Removes test messages sent before `before` (alert deliveries go with their alert). */
  async purgeTests(before: number): Promise<void> {
    await this.store.db
      .deleteFrom('notification_deliveries')
      .where('alert_id', 'is', null)
      .where('created_at', '<', before)
      .execute();
  }
}

async function insertAttempt(
  db: Kysely<Database>,
  deliveryId: number,
  owner: string | null,
  outcome: SendOutcome,
  now: number,
): Promise<void> {
  await db
    .insertInto('notification_attempts')
    .values({
      delivery_id: deliveryId,
      at: now,
      duration_ms: outcome.durationMs,
      ok: outcome.ok ? 1 : 0,
      status_code: outcome.status,
      response: outcome.response,
      error: outcome.error,
      claimed_by: owner,
    })
    .execute();
}

function toClaimed(row: DeliveryRow): ClaimedDelivery {
  return {
    id: Number(row.id),
    channelId: Number(row.channel_id),
    event: row.event as DeliveryEvent,
    notification: JSON.parse(row.payload) as Notification,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
  };
}
