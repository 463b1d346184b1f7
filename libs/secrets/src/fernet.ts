import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 0x80;
const HEADER_BYTES = 1 + 8 + 16;
const HMAC_BYTES = 32;

/** Why a Fernet token could not be opened; never includes key or plaintext. */
export class FernetError extends Error {}

/**
 * Opens Fernet tokens (https://github.com/fernet/spec), the format the seed service used for
 * passwords in servers.json: version 0x80, timestamp, IV, AES-128-CBC ciphertext, HMAC-SHA256.
 * Only decryption: pgmon re-seals imported secrets with its own key.
 */
export class FernetKey {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(keyText: string) {
    const key = decodeBase64Url(keyText.trim());
    if (key?.length !== 32)
      throw new FernetError('The Fernet key must be 32 bytes of URL-safe base64 (44 characters)');
    this.signingKey = key.subarray(0, 16);
    this.encryptionKey = key.subarray(16);
  }

  decrypt(token: string): string {
    const data = decodeBase64Url(token.trim());
    if (
      !data ||
      data.length < HEADER_BYTES + 16 + HMAC_BYTES ||
      (data.length - HEADER_BYTES - HMAC_BYTES) % 16 !== 0
    ) {
      throw new FernetError('The token is truncated or not a Fernet token');
    }
    if (data[0] !== VERSION) throw new FernetError('The token has an unknown Fernet version');
    const signed = data.subarray(0, data.length - HMAC_BYTES);
    const mac = createHmac('sha256', this.signingKey).update(signed).digest();
    if (!timingSafeEqual(mac, data.subarray(data.length - HMAC_BYTES))) {
      throw new FernetError(
        'The token does not match the key (wrong encryption_key.key, or a damaged token)',
      );
    }
    try {
      const decipher = createDecipheriv(
        'aes-128-cbc',
        this.encryptionKey,
        data.subarray(9, HEADER_BYTES),
      );
      return Buffer.concat([
        decipher.update(signed.subarray(HEADER_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new FernetError('The token does not decrypt (bad padding)');
    }
  }
}

function decodeBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}
