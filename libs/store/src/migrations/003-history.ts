import type { CreateTableBuilder, Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

/** The counter columns as of this migration (frozen: a later change of the list is a new migration). */
const COUNTERS = [
  'xact_commit',
  'xact_rollback',
  'blks_read',
  'blks_hit',
  'tup_returned',
  'tup_fetched',
  'tup_inserted',
  'tup_updated',
  'tup_deleted',
  'temp_files',
  'temp_bytes',
  'deadlocks',
] as const;

function addCounters<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  let builder = table as CreateTableBuilder<T, string>;
  for (const counter of COUNTERS)
    builder = builder.addColumn(counter, 'bigint', (col) => col.notNull());
  return builder;
}

export function history(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addIdColumn(db.schema.createTable('monitored_databases'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('datname', 'varchar(63)', (col) => col.notNull())
        .addColumn('oid', 'bigint', (col) => col.notNull())
        .addColumn('first_seen_at', 'bigint', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addColumn('creation_time', 'bigint')
        .addUniqueConstraint('monitored_databases_identity', ['server_id', 'datname', 'oid'])
        .execute();

      await addCounters(
        db.schema
          .createTable('db_samples')
          .addColumn('database_id', 'integer', (col) =>
            col.notNull().references('monitored_databases.id').onDelete('cascade'),
          )
          .addColumn('ts', 'bigint', (col) => col.notNull())
          .addColumn('numbackends', 'integer', (col) => col.notNull()),
      )
        .addColumn('stats_reset', 'bigint')
        .addColumn('postmaster_start', 'bigint')
        .addColumn('size_bytes', 'bigint')
        .addPrimaryKeyConstraint('db_samples_pk', ['database_id', 'ts'])
        .execute();
      await db.schema.createIndex('db_samples_ts').on('db_samples').column('ts').execute();

      await addCounters(
        db.schema
          .createTable('db_hourly')
          .addColumn('database_id', 'integer', (col) =>
            col.notNull().references('monitored_databases.id').onDelete('cascade'),
          )
          .addColumn('hour', 'bigint', (col) => col.notNull())
          .addColumn('samples', 'integer', (col) => col.notNull())
          .addColumn('backends_sum', 'bigint', (col) => col.notNull())
          .addColumn('backends_max', 'integer', (col) => col.notNull())
          .addColumn('backends_min', 'integer', (col) => col.notNull()),
      )
        .addColumn('size_max', 'bigint')
        .addColumn('last_ts', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('db_hourly_pk', ['database_id', 'hour'])
        .execute();
      await db.schema.createIndex('db_hourly_hour').on('db_hourly').column('hour').execute();

      await db.schema
        .createTable('server_disk_samples')
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('ts', 'bigint', (col) => col.notNull())
        .addColumn('free_bytes', 'bigint', (col) => col.notNull())
        .addColumn('total_bytes', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('server_disk_samples_pk', ['server_id', 'ts'])
        .execute();

      await db.schema
        .createTable('collector_state')
        .addColumn('server_id', 'integer', (col) =>
          col.primaryKey().references('servers.id').onDelete('cascade'),
        )
        .addColumn('next_due_at', 'bigint', (col) => col.notNull())
        .addColumn('next_size_due_at', 'bigint', (col) => col.notNull())
        .addColumn('claimed_by', 'varchar(64)')
        .addColumn('claimed_at', 'bigint')
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('last_success_at', 'bigint')
        .addColumn('last_duration_ms', 'integer')
        .addColumn('sample_lag_ms', 'integer')
        .addColumn('last_error_code', 'varchar(64)')
        .addColumn('last_error_message', 'varchar(512)')
        .addColumn('last_error_at', 'bigint')
        .addColumn('consecutive_failures', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('databases', 'integer')
        .execute();
    },
  };
}
