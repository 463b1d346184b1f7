import type { Generated } from 'kysely';

/**
 * The application's own database. Timestamps are epoch milliseconds (INTEGER in SQLite, BIGINT
 * in PostgreSQL, read back as numbers) so both backends share one code path. Flags are 0/1.
 */
export interface UsersTable {
  login: string;
  password_hash: string;
  role: string;
  is_active: number;
  /** Bumped when the password changes or the user is disabled: older tokens stop working. */
  token_version: Generated<number>;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  client_ip: string | null;
}

export interface Database {
  users: UsersTable;
  audit_log: AuditLogTable;
}

export type StoreDialect = 'sqlite' | 'postgres';
