import type { Kysely } from 'kysely';

/**
 * The schedule of the collector's per-server tasks beside history sampling (statements,
 * session samples, checks, ...): one row per (server, task). A claim moves next_due_at with a
 * conditional update and sets running_until (a lease), so of several collector processes one
 * runs each slot, and a run still going when the next slot is due is not stacked.
 */
export function collectorTasks() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('collector_tasks')
        .addColumn('server_id', 'integer', (col) =>
          col.notNull().references('servers.id').onDelete('cascade'),
        )
        .addColumn('task', 'varchar(32)', (col) => col.notNull())
        .addColumn('next_due_at', 'bigint', (col) => col.notNull())
        .addColumn('running_until', 'bigint')
        .addColumn('claimed_by', 'varchar(255)')
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('last_success_at', 'bigint')
        .addColumn('last_duration_ms', 'integer')
        .addColumn('last_error_code', 'varchar(64)')
        .addColumn('last_error_message', 'varchar(512)')
        .addColumn('last_error_at', 'bigint')
        .addColumn('consecutive_failures', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('skipped_runs', 'integer', (col) => col.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('collector_tasks_pk', ['server_id', 'task'])
        .execute();
      await db.schema
        .createIndex('collector_tasks_due')
        .on('collector_tasks')
        .columns(['task', 'next_due_at'])
        .execute();
    },
  };
}
