import type { Kysely } from 'kysely';
import type { StoreDialect } from '../schema.js';

/**
 * A collector id is `<host>:<pid>:<random>`; a 63-character host name (a Kubernetes pod) made
 * it longer than 64. SQLite does not enforce VARCHAR lengths, so only PostgreSQL changes.
 */
export function widerCollectorId(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await db.schema
        .alterTable('collector_state')
        .alterColumn('claimed_by', (col) => col.setDataType('varchar(255)'))
        .execute();
    },
  };
}
