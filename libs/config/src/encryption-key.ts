import { createHash } from 'node:crypto';
import { MIN_KEY_BYTES } from './env.schema.js';

export interface EncryptionKey {
  /** Short id stored next to every encrypted value, so a value names the key that sealed it. */
  id: string;
  key: Buffer;
}

/**
 * Turns ENCRYPTION_KEY text into a 256-bit AES key. Accepts 32 bytes as base64/base64url or
 * 64 hex digits, or any text of at least 32 bytes (hashed with SHA-256).
 */
export function parseEncryptionKey(text: string, variable = 'ENCRYPTION_KEY'): EncryptionKey {
  const key = decodeKeyText(text);
  if (key === undefined) {
    throw new Error(`${variable}: must be at least ${MIN_KEY_BYTES} bytes long`);
  }
  const id = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return { id, key };
}

function decodeKeyText(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const decoded = Buffer.from(text, 'base64url');
    if (decoded.length === 32) return decoded;
  }
  if (Buffer.byteLength(text) >= MIN_KEY_BYTES) return createHash('sha256').update(text).digest();
  return undefined;
}
