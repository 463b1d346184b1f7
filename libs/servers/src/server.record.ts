/** How pgmon reaches PostgreSQL over TLS. */
export const SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const SSH_AUTH_TYPES = ['password', 'key'] as const;
export type SshAuthType = (typeof SSH_AUTH_TYPES)[number];

/** Secret fields; each is stored sealed by SecretCipher with its field name as context. */
export const SECRET_FIELDS = [
  'pg_password',
  'ssh_password',
  'ssh_private_key',
  'ssh_key_passphrase',
] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

/** A managed SSH key (GET /api/ssh-keys) a server logs in with; its secrets stay sealed. */
export interface ManagedKeyRef {
  id: string;
  name: string;
  fingerprint: string;
  sealedPrivateKey: string;
  sealedPassphrase: string | null;
}

/** A configured server as stored: secrets stay sealed until a connection is opened. */
export interface ServerRecord {
  id: number;
  name: string;
  host: string;
  port: number;
  user: string;
  database: string;
  sslMode: SslMode;
  sshUser: string | null;
  sshPort: number;
  sshAuthType: SshAuthType;
  sshHostKey: string | null;
  statsDb: string | null;
  /** Bumped by every change: keys of pools and caches include it. */
  generation: number;
  createdAt: Date;
  updatedAt: Date;
  sealed: Record<SecretField, string | null>;
  /** The managed key used instead of a private key of the server's own (ssh_auth_type key). */
  sshKey: ManagedKeyRef | null;
}

/** True when disk usage can be read over SSH for this server. */
export function hasSsh(server: ServerRecord): boolean {
  if (!server.sshUser) return false;
  return server.sshAuthType === 'key'
    ? server.sshKey !== null || server.sealed.ssh_private_key !== null
    : server.sealed.ssh_password !== null;
}
