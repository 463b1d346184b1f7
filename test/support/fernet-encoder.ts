/**
 * A small Fernet encoder for tests (https://github.com/fernet/spec, "Token Format"), written
 * against the spec with node:crypto only, independently of pgmon's decoder. The deployment
 * tests write the seed's servers.json fixtures with it; test/deploy/seed-import.e2e-spec.ts
 * checks it byte for byte against the spec's generate.json vector. (libs/secrets/src/
 * fernet.spec.ts has its own copy: a lib's spec cannot import from test/, which the Docker
 * build does not copy.)
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

export interface FernetEncodeOptions {
  /** 16 bytes; random by default. */
  iv?: Buffer;
  /** The token's timestamp; now by default. */
  time?: Date;
  /** Version byte; 0x80 by default (anything else makes an invalid token, for tests). */
  version?: number;
  /**
   * Plaintext bytes used as the AES input as they are, without PKCS#7 padding (their length
   * must be a multiple of 16): makes a correctly signed token whose padding is wrong.
   */
  unpadded?: boolean;
}

/** A Fernet key as the seed's `Fernet.generate_key()` writes it: 32 bytes, URL-safe base64. */
export function generateFernetKey(): string {
  return toUrlSafeBase64(randomBytes(32));
}

/** The Fernet token of `plaintext` under `key` (URL-safe base64 with padding, as Python's). */
export function fernetEncrypt(
  key: string,
  plaintext: string | Buffer,
  options: FernetEncodeOptions = {},
): string {
  const keyBytes = Buffer.from(key, 'base64url');
  if (keyBytes.length !== 32) throw new Error('a Fernet key is 32 bytes');
  const signingKey = keyBytes.subarray(0, 16);
  const encryptionKey = keyBytes.subarray(16);
  const iv = options.iv ?? randomBytes(16);
  const seconds = Math.floor((options.time ?? new Date()).getTime() / 1000);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(seconds));
  const cipher = createCipheriv('aes-128-cbc', encryptionKey, iv);
  cipher.setAutoPadding(!options.unpadded);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const signed = Buffer.concat([Buffer.from([options.version ?? 0x80]), timestamp, iv, ciphertext]);
  const hmac = createHmac('sha256', signingKey).update(signed).digest();
  return toUrlSafeBase64(Buffer.concat([signed, hmac]));
}

/** Base64 with the URL-safe alphabet and `=` padding kept (Python's urlsafe_b64encode). */
export function toUrlSafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
