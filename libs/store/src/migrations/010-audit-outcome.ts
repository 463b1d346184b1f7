import type { Kysely } from 'kysely';

/**
 * How an audited attempt ended (`done`, `refused`, `no_match`, `failed`, ...). Entries written
 * before this column recorded changes that had succeeded, hence the default.
 */
export function auditOutcome() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('audit_log')
        .addColumn('outcome', 'varchar(32)', (col) => col.notNull().defaultTo('success'))
        .execute();
    },
  };
}
