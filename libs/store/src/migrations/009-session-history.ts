import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

/**
 * Active session history: one row per sample time and server, one row per sampled session.
 * What stays the same for a backend (pid, start, database, user, application, client, type)
 * and query texts are stored once in their own tables and referenced, so a session row holds
 * only what changes between samples (state, wait event, query, transaction and query start).
 * Those references have no foreign key: rows go with their sample (cascade on the sample id,
 * the primary key's prefix), and unreferenced backends and texts are removed by retention.
 */
export function sessionHistory(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addIdColumn(db.schema.createTable('activity_samples'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('ts', 'bigint', (col) => col.notNull())
        .addColumn('sessions', 'integer', (col) => col.notNull())
        .addUniqueConstraint('activity_samples_server_ts', ['server_id', 'ts'])
        .execute();

      await addIdColumn(db.schema.createTable('activity_backends'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('pid', 'integer', (col) => col.notNull())
        .addColumn('backend_start_us', 'bigint', (col) => col.notNull())
        .addColumn('application_name', 'varchar(64)', (col) => col.notNull())
        .addColumn('datname', 'varchar(63)')
        .addColumn('usename', 'varchar(63)')
        .addColumn('client_addr', 'varchar(64)')
        .addColumn('backend_type', 'varchar(64)')
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('activity_backends_identity', [
          'server_id',
          'pid',
          'backend_start_us',
          'application_name',
        ])
        .execute();

      await addIdColumn(db.schema.createTable('activity_queries'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('hash', 'varchar(32)', (col) => col.notNull())
        .addColumn('query_id', 'varchar(20)')
        .addColumn('query', 'text', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('activity_queries_identity', ['server_id', 'hash'])
        .execute();

      const sessions = db.schema
        .createTable('activity_sessions')
        .addColumn('sample_id', 'integer', (col) =>
          col.notNull().references('activity_samples.id').onDelete('cascade'),
        )
        .addColumn('backend_id', 'integer', (col) => col.notNull())
        .addColumn('state', 'varchar(32)', (col) => col.notNull())
        .addColumn('wait_event_type', 'varchar(32)')
        .addColumn('wait_event', 'varchar(64)')
        .addColumn('query_ref', 'integer')
        .addColumn('xact_start_us', 'bigint')
        .addColumn('query_start_us', 'bigint')
        .addColumn('blocked_by', 'varchar(1024)')
        .addPrimaryKeyConstraint('activity_sessions_pk', ['sample_id', 'backend_id']);
      await (dialect === 'sqlite' ? sessions.modifyEnd(sql`without rowid`) : sessions).execute();
    },
  };
}
