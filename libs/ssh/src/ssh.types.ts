/**
 * How to log in. Secrets are functions so that they are decrypted only when a session is
 * opened and never sit in a cache entry, a log line or an error.
 */
export type SshAuth =
  | { type: 'password'; password: () => string }
  | { type: 'key'; privateKey: () => string; passphrase?: () => string | undefined };

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  /**
   * Pinned host key fingerprint, OpenSSH style 'SHA256:<base64 without padding>', or null on
   * first contact.
   */
  pinnedHostKey: string | null;
}

/** Sizes of the filesystem holding a path, in bytes. */
export interface DiskUsage {
  path: string;
  totalBytes: number;
  /** Free blocks, including those reserved for root. */
  freeBytes: number;
  /** What an unprivileged user can still write, like df's "Available" (the API's free_space). */
  availableBytes: number;
  method: 'statvfs' | 'df';
}

export interface DiskUsageResult {
  usage: DiskUsage;
  /** Fingerprint of the host key the server presented. */
  hostKey: string;
  /** True when no key was pinned: the caller records `hostKey`. */
  firstContact: boolean;
  /** True when the result came from the cache rather than a session opened for this call. */
  cached: boolean;
  /** When the disk was read. */
  checkedAt: Date;
}
