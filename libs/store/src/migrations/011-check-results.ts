import type { Kysely } from 'kysely';

/**
 * The last evaluation of each health check per server, as the collector wrote it: the routes
 * (and alerts) read it from here, whichever process evaluated it. Threshold levels are columns
 * so rules can be compared in queries; objects are JSON.
 */
export function checkResults() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('check_results')
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('check_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('status', 'varchar(16)', (col) => col.notNull())
        .addColumn('value', 'double precision')
        .addColumn('warning', 'double precision')
        .addColumn('critical', 'double precision')
        .addColumn('message', 'text', (col) => col.notNull())
        .addColumn('hint', 'text', (col) => col.notNull())
        .addColumn('objects', 'text', (col) => col.notNull())
        .addColumn('evaluated_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('check_results_pk', ['server_id', 'check_id'])
        .execute();
    },
  };
}
