import type { Kysely } from 'kysely';

/**
 * What the upstream project's web UI needs around logins: refresh tokens (stored as SHA-256
 * hashes, one family per login, so a reused one can revoke its whole family), the user agent
 * of audited logins, logouts and refreshes, and an optional e-mail address per user.
 */
export function upstreamAuth() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('family_id', 'varchar(36)', (col) => col.notNull())
        .addColumn('login', 'varchar(64)', (col) => col.notNull())
        .addColumn('account_id', 'varchar(36)', (col) => col.notNull())
        .addColumn('token_version', 'integer', (col) => col.notNull())
        .addColumn('issued_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('refresh_tokens_family')
        .on('refresh_tokens')
        .column('family_id')
        .execute();
      await db.schema
        .createIndex('refresh_tokens_expires')
        .on('refresh_tokens')
        .column('expires_at')
        .execute();
      await db.schema.alterTable('audit_log').addColumn('user_agent', 'varchar(512)').execute();
      await db.schema.alterTable('users').addColumn('email', 'varchar(254)').execute();
    },
  };
}
