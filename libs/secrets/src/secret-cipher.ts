import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, type EncryptionKey } from '#config';

const FORMAT = 'v1';
const IV_BYTES = 12;

/** A sealed value names neither its plaintext nor the key, only the key id. */
export class SecretDecryptError extends Error {}

/**
 * AES-256-GCM for secrets at rest (PostgreSQL and SSH passwords, private keys).
 * Sealed text: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id lets a value
 * name the key that sealed it, so ENCRYPTION_KEY can be rotated: the old key moves to
 * ENCRYPTION_KEY_PREVIOUS and values are re-sealed with the new one. `context` (e.g. the
 * field name) is bound as associated data, so a sealed value cannot be moved to another field.
 */
@Injectable()
export class SecretCipher {
  private readonly current: EncryptionKey;
  private readonly keysById: Map<string, EncryptionKey>;

  constructor(config: AppConfig) {
    this.current = config.encryption.current;
    this.keysById = new Map(
      [config.encryption.current, ...config.encryption.previous].map((key) => [key.id, key]),
    );
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, this.current.id, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, context: string): string {
    const [format, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || !keyId || iv === undefined || !tag || ciphertext === undefined) {
      throw new SecretDecryptError('Stored secret is not in a known format');
    }
    const key = this.keysById.get(keyId);
    if (!key) {
      throw new SecretDecryptError(
        `Stored secret was sealed with key ${keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretDecryptError('Stored secret failed its integrity check');
    }
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }

  get currentKeyId(): string {
    return this.current.id;
  }
}
