import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

/**
 * Alerts: their rules (per check, and per check and server), the alerts themselves (pending,
 * firing, then resolved: the history) and silences. At most one unresolved alert per
 * (server, check, object): a partial unique index, so two collectors cannot both open one.
 */
export function alerts(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('alert_rules')
        .addColumn('check_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('settings', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_by', 'varchar(64)')
        .execute();
      await db.schema
        .createTable('alert_rule_servers')
        .addColumn('check_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('settings', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('alert_rule_servers_pk', ['check_id', 'server_id'])
        .execute();

      await addIdColumn(db.schema.createTable('alerts'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('check_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('object_key', 'varchar(512)', (col) => col.notNull())
        .addColumn('state', 'varchar(16)', (col) =>
          col.notNull().check(sql`state in ('pending', 'firing', 'resolved')`),
        )
        .addColumn('cause', 'varchar(16)', (col) =>
          col.notNull().check(sql`cause in ('level', 'unknown')`),
        )
        .addColumn('severity', 'varchar(16)', (col) => col.notNull())
        .addColumn('since', 'bigint', (col) => col.notNull())
        .addColumn('fired_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('value', 'double precision')
        .addColumn('message', 'text', (col) => col.notNull())
        .addColumn('notified_at', 'bigint')
        .addColumn('notified_grade', 'integer')
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('alerts_open')
        .on('alerts')
        .columns(['server_id', 'check_id', 'object_key'])
        .unique()
        .where(sql.ref('resolved_at'), 'is', null)
        .execute();
      await db.schema.createIndex('alerts_fired_at').on('alerts').column('fired_at').execute();
      await db.schema
        .createIndex('alerts_resolved_at')
        .on('alerts')
        .column('resolved_at')
        .execute();

      await addIdColumn(db.schema.createTable('silences'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.references('servers.id').onDelete('cascade'),
        )
        .addColumn('check_id', 'varchar(64)')
        .addColumn('until', 'bigint', (col) => col.notNull())
        .addColumn('comment', 'text', (col) => col.notNull())
        .addColumn('created_by', 'varchar(64)', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('silences_until').on('silences').column('until').execute();
    },
  };
}
