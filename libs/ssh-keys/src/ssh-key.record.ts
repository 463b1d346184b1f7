import type { KeyType } from './key-material.js';

/** A managed SSH key as the service hands it out: never its private half. */
export interface SshKeyRecord {
  id: string;
  name: string;
  description: string | null;
  keyType: KeyType;
  fingerprint: string;
  publicKey: string;
  hasPassphrase: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Servers that reference the key. */
  serversCount: number;
}

/** A server that uses a key. */
export interface KeyUser {
  name: string;
  host: string;
}

/**
 * Contexts the key's secrets are sealed with (SecretCipher binds them as associated data):
 * whoever opens them for a connection (ServerTargets) names the same.
 */
export const SSH_KEY_SECRETS = {
  privateKey: 'ssh_keys.private_key',
  passphrase: 'ssh_keys.passphrase',
} as const;
