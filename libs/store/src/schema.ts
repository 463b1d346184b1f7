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

/**
 * A monitored server. Secret columns hold SecretCipher-sealed text, never plaintext.
 * `generation` is bumped by every change, so caches and pools keyed by it go stale at once.
 */
export interface ServersTable {
  id: Generated<number>;
  name: string;
  host: string;
  port: number;
  pg_user: string;
  pg_password: string | null;
  database: string;
  ssl_mode: string;
  ssh_user: string | null;
  ssh_port: number;
  ssh_auth_type: string;
  ssh_password: string | null;
  ssh_private_key: string | null;
  ssh_key_passphrase: string | null;
  ssh_host_key: string | null;
  stats_db: string | null;
  generation: number;
  created_at: number;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  audit_log: AuditLogTable;
  servers: ServersTable;
}

export type StoreDialect = 'sqlite' | 'postgres';
