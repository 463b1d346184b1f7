import { createHash } from 'node:crypto';
import { SshError } from './ssh-errors.js';

/** The host key fingerprint as `ssh-keygen -l` prints it: 'SHA256:<base64 without padding>'. */
export function fingerprintOf(hostKey: Buffer): string {
  const digest = createHash('sha256').update(hostKey).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Operators paste fingerprints from various tools: tolerate padding and surrounding spaces. */
export function normalizeFingerprint(text: string): string {
  return text.trim().replace(/=+$/, '');
}

/**
 * Checks the server's host key during the key exchange, i.e. before any authentication
 * request (and so before a password) is sent. With no pinned key every key is accepted and
 * only recorded: the caller pins it (trust on first use).
 */
export class HostKeyCheck {
  private seenFingerprint: string | undefined;
  private readonly expected: string | undefined;

  constructor(pinned: string | null) {
    this.expected = pinned === null ? undefined : normalizeFingerprint(pinned);
  }

  /** ssh2's synchronous hostVerifier: false aborts the handshake. */
  readonly verify = (hostKey: Buffer): boolean => {
    this.seenFingerprint = fingerprintOf(hostKey);
    return this.expected === undefined || this.seenFingerprint === this.expected;
  };

  /** The fingerprint the server presented, once the key exchange got that far. */
  get seen(): string | undefined {
    return this.seenFingerprint;
  }

  /** True when the server presented a key other than the pinned one. */
  get refused(): boolean {
    const seen = this.seenFingerprint;
    return this.expected !== undefined && seen !== undefined && seen !== this.expected;
  }

  /** The error for a refused key, naming both fingerprints (they are public, not secrets). */
  error(): SshError {
    return new SshError('host_key_changed', {
      detail: `expected ${this.expected ?? '?'}, got ${this.seenFingerprint ?? '?'}`,
      expectedHostKey: this.expected,
      actualHostKey: this.seenFingerprint,
    });
  }
}
