import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

/**
 * Notification channels (secrets sealed), and the deliveries to them: an outbox that
 * collectors claim with a conditional update (one sender per attempt), kept as the delivery
 * log with one row per attempt.
 */
export function notifications(dialect: StoreDialect) {
  const bigId = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addIdColumn(db.schema.createTable('notification_channels'), dialect)
        .addColumn('name', 'varchar(63)', (col) => col.notNull().unique())
        .addColumn('type', 'varchar(16)', (col) =>
          col.notNull().check(sql`type in ('webhook', 'email')`),
        )
        .addColumn('url', 'text')
        .addColumn('secret', 'text')
        .addColumn('format', 'varchar(16)')
        .addColumn('recipients', 'text')
        .addColumn('min_severity', 'varchar(16)', (col) => col.notNull())
        .addColumn('send_resolved', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('notification_deliveries'), dialect)
        .addColumn('channel_id', bigId, (col) =>
          col.notNull().references('notification_channels.id').onDelete('cascade'),
        )
        .addColumn('alert_id', bigId, (col) => col.references('alerts.id').onDelete('cascade'))
        .addColumn('event', 'varchar(16)', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('state', 'varchar(16)', (col) =>
          col.notNull().check(sql`state in ('pending', 'sent', 'failed')`),
        )
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('claimed_by', 'varchar(255)')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('notification_deliveries_due')
        .on('notification_deliveries')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('notification_deliveries_channel')
        .on('notification_deliveries')
        .columns(['channel_id', 'id'])
        .execute();
      await db.schema
        .createIndex('notification_deliveries_alert')
        .on('notification_deliveries')
        .columns(['alert_id', 'channel_id'])
        .execute();

      await addIdColumn(db.schema.createTable('notification_attempts'), dialect)
        .addColumn('delivery_id', bigId, (col) =>
          col.notNull().references('notification_deliveries.id').onDelete('cascade'),
        )
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addColumn('duration_ms', 'integer', (col) => col.notNull())
        .addColumn('ok', 'integer', (col) => col.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response', 'text')
        .addColumn('error', 'text')
        .addColumn('claimed_by', 'varchar(255)')
        .execute();
      await db.schema
        .createIndex('notification_attempts_delivery')
        .on('notification_attempts')
        .column('delivery_id')
        .execute();
    },
  };
}
