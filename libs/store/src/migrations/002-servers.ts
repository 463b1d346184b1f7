import type { Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

export function servers(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addIdColumn(db.schema.createTable('servers'), dialect)
        .addColumn('name', 'varchar(63)', (col) => col.notNull().unique())
        .addColumn('host', 'varchar(255)', (col) => col.notNull())
        .addColumn('port', 'integer', (col) => col.notNull())
        .addColumn('pg_user', 'varchar(63)', (col) => col.notNull())
        .addColumn('pg_password', 'text')
        .addColumn('database', 'varchar(63)', (col) => col.notNull().defaultTo('postgres'))
        .addColumn('ssl_mode', 'varchar(16)', (col) => col.notNull().defaultTo('disable'))
        .addColumn('ssh_user', 'varchar(64)')
        .addColumn('ssh_port', 'integer', (col) => col.notNull().defaultTo(22))
        .addColumn('ssh_auth_type', 'varchar(16)', (col) => col.notNull().defaultTo('password'))
        .addColumn('ssh_password', 'text')
        .addColumn('ssh_private_key', 'text')
        .addColumn('ssh_key_passphrase', 'text')
        .addColumn('ssh_host_key', 'varchar(128)')
        .addColumn('stats_db', 'varchar(63)')
        .addColumn('generation', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
    },
  };
}
