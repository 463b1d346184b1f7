import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { FernetError, FernetKey } from './fernet.js';

/*
 * A small Fernet encoder written against the spec ("Token Format") with node:crypto only,
 * independently of the decoder under test; the spec vector below proves it byte for byte.
 * (test/support/fernet-encoder.ts is the same for the deployment tests: this file cannot
 * import from test/, which the Docker build does not copy.)
 */
interface EncodeOptions {
  iv?: Buffer;
  time?: Date;
  version?: number;
  /** AES input used as it is, without PKCS#7 padding: a signed token with wrong padding. */
  unpadded?: boolean;
}

function toUrlSafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function generateFernetKey(): string {
  return toUrlSafeBase64(randomBytes(32));
}

function fernetEncrypt(key: string, plaintext: string | Buffer, options: EncodeOptions = {}) {
  const keyBytes = Buffer.from(key, 'base64url');
  const iv = options.iv ?? randomBytes(16);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(Math.floor((options.time ?? new Date()).getTime() / 1000)));
  const cipher = createCipheriv('aes-128-cbc', keyBytes.subarray(16), iv);
  cipher.setAutoPadding(!options.unpadded);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const signed = Buffer.concat([Buffer.from([options.version ?? 0x80]), timestamp, iv, ciphertext]);
  const hmac = createHmac('sha256', keyBytes.subarray(0, 16)).update(signed).digest();
  return toUrlSafeBase64(Buffer.concat([signed, hmac]));
}

/** The spec's generate.json / verify.json vector (https://github.com/fernet/spec). */
const SPEC = {
  secret: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
  token:
    'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
  now: '1985-10-26T01:20:00-07:00',
  iv: Buffer.from([...Array(16).keys()]),
  src: 'hello',
};

const PLAINTEXT = 'pg-monitor-password-4711';

/** Decrypting `token` fails with a FernetError whose message matches and leaks nothing. */
function assertRefused(key: FernetKey, token: string, message: RegExp, keyText: string): void {
  let caught: unknown;
  try {
    key.decrypt(token);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof FernetError, `expected a FernetError, got ${String(caught)}`);
  assert.match(caught.message, message);
  assertNoSecret(caught.message, keyText);
}

function assertNoSecret(message: string, keyText: string): void {
  assert.equal(message.includes(PLAINTEXT), false, 'the message holds the plaintext');
  assert.equal(message.includes(SPEC.src), false, 'the message holds the plaintext');
  assert.equal(message.includes(keyText), false, 'the message holds the key');
  const keyBytes = Buffer.from(keyText, 'base64url');
  for (const encoded of [keyBytes.toString('hex'), keyBytes.subarray(0, 16).toString('base64')]) {
    assert.equal(message.includes(encoded), false, 'the message holds key material');
  }
}

/** The token's bytes (URL-safe base64 with padding). */
function bytesOf(token: string): Buffer {
  return Buffer.from(token, 'base64url');
}

describe(FernetKey.name, () => {
  describe('the Fernet spec vector', () => {
    it('decrypts the spec token to "hello"', () => {
      assert.equal(new FernetKey(SPEC.secret).decrypt(SPEC.token), SPEC.src);
    });

    it('is reproduced byte for byte by the test encoder (iv 0..15, 1985-10-26T01:20:00-07:00)', () => {
      const token = fernetEncrypt(SPEC.secret, SPEC.src, {
        iv: SPEC.iv,
        time: new Date(SPEC.now),
      });
      assert.equal(token, SPEC.token);
      assert.deepEqual(bytesOf(token), bytesOf(SPEC.token));
    });

    it('accepts the token with surrounding whitespace and without its = padding', () => {
      const key = new FernetKey(`${SPEC.secret}\n`);
      assert.equal(key.decrypt(`${SPEC.token}\n`), SPEC.src);
      assert.equal(key.decrypt(SPEC.token.replace(/=+$/, '')), SPEC.src);
    });
  });

  describe('tokens of the test encoder', () => {
    it('round-trips UTF-8 text of several block lengths', () => {
      const keyText = generateFernetKey();
      const key = new FernetKey(keyText);
      for (const text of ['', 'x', '0123456789abcdef', 'пароль-ü-€', PLAINTEXT.repeat(9)]) {
        assert.equal(key.decrypt(fernetEncrypt(keyText, text)), text);
      }
    });
  });

  describe('invalid tokens', () => {
    const keyText = generateFernetKey();
    const key = new FernetKey(keyText);
    const token = fernetEncrypt(keyText, PLAINTEXT);

    it('refuses a token of another key, naming encryption_key.key', () => {
      const other = fernetEncrypt(generateFernetKey(), PLAINTEXT);
      assertRefused(key, other, /encryption_key\.key/, keyText);
    });

    for (const [what, index] of [
      ['the ciphertext', 30],
      ['the timestamp', 3],
      ['the IV', 12],
      ['the HMAC', -1],
    ] as const) {
      it(`refuses a token with a flipped byte in ${what} (MAC check)`, () => {
        const bytes = bytesOf(token);
        const at = index < 0 ? bytes.length + index : index;
        bytes[at] = (bytes[at] ?? 0) ^ 0x01;
        assertRefused(key, toUrlSafeBase64(bytes), /does not match the key/, keyText);
      });
    }

    it('refuses a truncated token', () => {
      const bytes = bytesOf(token);
      for (const cut of [1, 5, 31, bytes.length - 10]) {
        const truncated = toUrlSafeBase64(bytes.subarray(0, bytes.length - cut));
        assertRefused(key, truncated, /truncated/, keyText);
      }
      // Cut by a whole AES block, it still has a plausible size: the MAC refuses it.
      const blockShort = toUrlSafeBase64(bytes.subarray(0, bytes.length - 16));
      assertRefused(key, blockShort, /does not match the key/, keyText);
      assertRefused(key, '', /truncated|not a Fernet token/, keyText);
    });

    it('refuses a token whose payload is not a whole number of AES blocks', () => {
      const bytes = bytesOf(token);
      const shortened = Buffer.concat([bytes.subarray(0, 25 + 15), bytes.subarray(-32)]);
      assertRefused(key, toUrlSafeBase64(shortened), /truncated|not a Fernet token/, keyText);
    });

    it('refuses text that is not base64', () => {
      for (const bad of [`${token.slice(0, 20)}!${token.slice(21)}`, `${token} x`, 'gAAAA$$$$']) {
        assertRefused(key, bad, /not a Fernet token/, keyText);
      }
    });

    it('refuses a correctly signed token with another version byte', () => {
      const other = fernetEncrypt(keyText, PLAINTEXT, { version: 0x81 });
      assertRefused(key, other, /unknown Fernet version/, keyText);
    });

    it('refuses a correctly signed token whose PKCS#7 padding is wrong', () => {
      const badPadding = Buffer.concat([Buffer.from(PLAINTEXT.slice(0, 15)), Buffer.from([0])]);
      const signed = fernetEncrypt(keyText, badPadding, { unpadded: true });
      assertRefused(key, signed, /bad padding/, keyText);
    });
  });

  describe('keys', () => {
    it('refuses a key that is not 32 bytes, without echoing it', () => {
      for (const keyText of [
        toUrlSafeBase64(randomBytes(16)),
        toUrlSafeBase64(randomBytes(31)),
        toUrlSafeBase64(randomBytes(33)),
        '',
        'not a key at all, just some words!',
      ]) {
        assert.throws(
          () => new FernetKey(keyText),
          (error: unknown) => {
            assert.ok(error instanceof FernetError);
            assert.match(error.message, /32 bytes/);
            if (keyText.length > 0) assert.equal(error.message.includes(keyText), false);
            return true;
          },
        );
      }
    });

    it('accepts the key in the standard base64 alphabet too', () => {
      const standard = Buffer.from(SPEC.secret, 'base64url').toString('base64');
      assert.notEqual(standard, SPEC.secret);
      assert.equal(new FernetKey(standard).decrypt(SPEC.token), SPEC.src);
    });
  });
});
