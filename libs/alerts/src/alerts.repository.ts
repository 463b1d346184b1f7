import { Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { isCheckId } from '#checks';
import { StoreService, type AlertsTable, type Database } from '#store';
import type { AlertFields, OpenAlert } from './evaluate/alert-steps.js';

/** An alert with its server's name, for the routes. */
export interface AlertRecord extends Omit<OpenAlert, 'state'> {
  state: AlertsTable['state'];
  server: string;
  serverId: number;
  resolvedAt: number | null;
}

/** Which alerts of the history to read: those firing at some time in [start, end]. */
export interface HistoryFilter {
  start: number;
  end: number;
  serverId?: number;
  check?: string;
  limit: number;
}

/** The alerts table: open alerts (pending, firing) and the resolved ones (the history). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly store: StoreService) {}

  /** The server's alerts that have not resolved. */
  async openOf(serverId: number): Promise<OpenAlert[]> {
    const rows = await this.store.db
      .selectFrom('alerts')
      .selectAll()
      .where('server_id', '=', serverId)
      .where('resolved_at', 'is', null)
      .execute();
    return rows.flatMap((row) => {
      const alert = toOpenAlert(row);
      return alert ? [alert] : [];
    });
  }

  /** Every pending and firing alert. */
  async open(): Promise<AlertRecord[]> {
    return this.records((query) => query.where('alerts.resolved_at', 'is', null));
  }

  /** Alerts that fired and were firing at some time of the period, newest first. */
  async history(filter: HistoryFilter): Promise<AlertRecord[]> {
    return this.records((query) => {
      let q = query
        .where('alerts.fired_at', 'is not', null)
        .where('alerts.fired_at', '<=', filter.end)
        .where((eb) =>
          eb.or([
            eb('alerts.resolved_at', 'is', null),
            eb('alerts.resolved_at', '>=', filter.start),
          ]),
        );
      if (filter.serverId !== undefined) q = q.where('alerts.server_id', '=', filter.serverId);
      if (filter.check !== undefined) q = q.where('alerts.check_id', '=', filter.check);
      return q.orderBy('alerts.fired_at', 'desc').orderBy('alerts.id', 'desc').limit(filter.limit);
    });
  }

  /** Opens an alert; null when another collector opened the same one first. */
  async insert(db: Kysely<Database>, serverId: number, after: AlertFields): Promise<number | null> {
    const row = await db
      .insertInto('alerts')
      .values({
        server_id: serverId,
        check_id: after.check,
        object_key: after.key,
        ...columns(after),
      })
      .onConflict((oc) =>
        oc
          .columns(['server_id', 'check_id', 'object_key'])
          .where('resolved_at', 'is', null)
          .doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    return row ? Number(row.id) : null;
  }

  /**
   * Writes the alert's new fields if it is still as this evaluation read it (state and
   * notification): of two collectors evaluating at once, one changes it.
   */
  async update(db: Kysely<Database>, before: OpenAlert, after: AlertFields): Promise<boolean> {
    const result = await db
      .updateTable('alerts')
      .set(columns(after))
      .where('id', '=', before.id)
      .where('state', '=', before.state)
      .where('notified_at', before.notifiedAt === null ? 'is' : '=', before.notifiedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Drops a pending alert that never fired. */
  async drop(db: Kysely<Database>, before: OpenAlert): Promise<void> {
    await db
      .deleteFrom('alerts')
      .where('id', '=', before.id)
      .where('state', '=', 'pending')
      .execute();
  }

  /** Removes resolved alerts (and their deliveries) that ended before `before`. */
  async purgeResolved(before: number): Promise<void> {
    await this.store.db.deleteFrom('alerts').where('resolved_at', '<', before).execute();
  }

  private async records(filter: (query: AlertQuery) => AlertQuery): Promise<AlertRecord[]> {
    const rows = await filter(withServerNames(this.store.db)).execute();
    return rows.flatMap((row) => {
      const alert = toOpenAlert(row);
      if (!alert) return [];
      return [
        {
          ...alert,
          state: row.state,
          server: row.server_name,
          serverId: Number(row.server_id),
          resolvedAt: num(row.resolved_at),
        },
      ];
    });
  }
}

function withServerNames(db: Kysely<Database>) {
  return db
    .selectFrom('alerts')
    .innerJoin('servers', 'servers.id', 'alerts.server_id')
    .selectAll('alerts')
    .select('servers.name as server_name');
}

type AlertQuery = ReturnType<typeof withServerNames>;

function columns(after: AlertFields) {
  return {
    state: after.state,
    cause: after.cause,
    severity: after.severity,
    since: after.since,
    fired_at: after.firedAt,
    resolved_at: after.resolvedAt,
    value: after.value,
    message: after.message,
    notified_at: after.notifiedAt,
    notified_grade: after.notifiedGrade,
    updated_at: Date.now(),
  };
}

function toOpenAlert(row: Selectable<AlertsTable>): OpenAlert | null {
  if (!isCheckId(row.check_id)) return null;
  return {
    id: Number(row.id),
    check: row.check_id,
    key: row.object_key,
    state: row.state === 'firing' ? 'firing' : 'pending',
    cause: row.cause,
    severity: row.severity,
    since: Number(row.since),
    firedAt: num(row.fired_at),
    value: row.value === null ? null : Number(row.value),
    message: row.message,
    notifiedAt: num(row.notified_at),
    notifiedGrade: num(row.notified_grade),
  };
}

function num(value: number | null): number | null {
  return value === null ? null : Number(value);
}
