import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { addIdColumn } from './columns.js';

/**
 * Per-interval differences of pg_stat_statements counters, as of this migration (frozen: a
 * later change of the list is a new migration). Times are whole microseconds, so sums are exact
 * and small values take few bytes in SQLite.
 */
const METRICS = [
  'calls',
  'exec_time_us',
  'plan_time_us',
  'rows',
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'temp_blks_read',
  'temp_blks_written',
  'blk_read_time_us',
  'blk_write_time_us',
  'wal_bytes',
] as const;

function addMetrics<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  let builder = table as CreateTableBuilder<T, string>;
  for (const metric of METRICS)
    builder = builder.addColumn(metric, 'bigint', (col) => col.notNull());
  return builder;
}

/**
 * Query statistics history (pg_stat_statements): one series per (server, queryid, database,
 * user, toplevel), per-interval rows for the top statements of each snapshot (plus an "other"
 * series for the rest), rollups of 10 minutes (kept as long as the per-interval rows) and of an
 * hour, each written once its span is over (the top of the span plus "other";
 * statement_state says up to where), query texts once per (server, queryid), and the last
 * cumulative reading per server to difference the next one against.
 *
 * statement_samples.series_id has no foreign key on purpose: a cascade through it would scan
 * the largest table once per deleted series. Samples go with their snapshot (server deletion,
 * retention); series outlive their samples and are removed by retention.
 */
export function statementHistory(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addIdColumn(db.schema.createTable('statement_series'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('queryid', 'varchar(20)', (col) => col.notNull())
        .addColumn('dbid', 'bigint', (col) => col.notNull())
        .addColumn('userid', 'bigint', (col) => col.notNull())
        .addColumn('toplevel', 'smallint', (col) => col.notNull())
        .addColumn('datname', 'varchar(63)')
        .addColumn('usename', 'varchar(63)')
        .addColumn('first_seen_at', 'bigint', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('statement_series_identity', [
          'server_id',
          'queryid',
          'dbid',
          'userid',
          'toplevel',
        ])
        .execute();

      await db.schema
        .createTable('statement_texts')
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('queryid', 'varchar(20)', (col) => col.notNull())
        .addColumn('query', 'text', (col) => col.notNull())
        .addColumn('truncated', 'smallint', (col) => col.notNull())
        .addColumn('first_seen_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('statement_texts_pk', ['server_id', 'queryid'])
        .execute();

      await addIdColumn(db.schema.createTable('statement_snapshots'), dialect)
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('ts', 'bigint', (col) => col.notNull())
        .addColumn('interval_ms', 'integer')
        .addColumn('entries', 'integer', (col) => col.notNull())
        .addColumn('evictions', 'integer')
        .addUniqueConstraint('statement_snapshots_server_ts', ['server_id', 'ts'])
        .execute();

      const samples = addMetrics(
        db.schema
          .createTable('statement_samples')
          .addColumn('snapshot_id', 'integer', (col) =>
            col.notNull().references('statement_snapshots.id').onDelete('cascade'),
          )
          .addColumn('series_id', 'integer', (col) => col.notNull()),
      ).addPrimaryKeyConstraint('statement_samples_pk', ['snapshot_id', 'series_id']);
      await (dialect === 'sqlite' ? samples.modifyEnd(sql`without rowid`) : samples).execute();

      await addMetrics(
        db.schema
          .createTable('statement_rollups')
          .addColumn('series_id', 'integer', (col) =>
            col.notNull().references('statement_series.id').onDelete('cascade'),
          )
          .addColumn('span_ms', 'integer', (col) => col.notNull())
          .addColumn('ts', 'bigint', (col) => col.notNull()),
      )
        .addPrimaryKeyConstraint('statement_rollups_pk', ['series_id', 'span_ms', 'ts'])
        .execute();
      await db.schema
        .createIndex('statement_rollups_span_ts')
        .on('statement_rollups')
        .columns(['span_ms', 'ts'])
        .execute();

      await db.schema
        .createTable('statement_state')
        .addColumn('server_id', 'integer', (col) =>
          col.primaryKey().references('servers.id').onDelete('cascade'),
        )
        .addColumn('checked_at', 'bigint', (col) => col.notNull())
        .addColumn('available', 'smallint', (col) => col.notNull())
        .addColumn('reason_code', 'varchar(32)')
        .addColumn('reason', 'varchar(512)')
        .addColumn('tiles_rolled_up_to', 'bigint')
        .addColumn('hours_rolled_up_to', 'bigint')
        .addColumn('reading_ts', 'bigint')
        .addColumn('reading', dialect === 'sqlite' ? 'blob' : 'bytea')
        .execute();
    },
  };
}
