import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

export function usersAndAudit(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('login', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('password_hash', 'varchar(255)', (col) => col.notNull())
        .addColumn('role', 'varchar(16)', (col) =>
          col.notNull().check(sql`role in ('viewer', 'operator', 'admin')`),
        )
        .addColumn('is_active', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('token_version', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addColumn('last_login_at', 'bigint')
        .execute();

      await addIdColumn(db.schema.createTable('audit_log'), dialect)
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addColumn('actor', 'varchar(64)')
        .addColumn('action', 'varchar(64)', (col) => col.notNull())
        .addColumn('target', 'varchar(255)')
        .addColumn('detail', 'text')
        .addColumn('client_ip', 'varchar(64)')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  };
}
