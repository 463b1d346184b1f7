import type { Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

/**
 * Runtime settings (collector intervals, retention) that an admin changes through the API:
 * only the values set are stored, the environment gives the others. And pgmon's own events
 * (the collector failing and recovering, starts and stops), kept for a retention of their own.
 */
export function settingsAndSystemEvents(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('value', 'varchar(255)', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_by', 'varchar(64)')
        .execute();
      await addIdColumn(db.schema.createTable('system_events'), dialect)
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addColumn('level', 'varchar(16)', (col) => col.notNull())
        .addColumn('source', 'varchar(64)', (col) => col.notNull())
        .addColumn('message', 'varchar(1024)', (col) => col.notNull())
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('system_events_at').on('system_events').column('at').execute();
    },
  };
}
