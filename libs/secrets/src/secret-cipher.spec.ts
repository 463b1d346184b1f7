import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAppConfig, envSchema, parseEncryptionKey } from '#config';
import { SecretCipher, SecretDecryptError } from './secret-cipher.js';

const PLAINTEXT = 'Pa55-w0rd with ünïcödé and spaces';

describe(SecretCipher.name, () => {
  let dataDir: string;
  const oldKey = randomBytes(32).toString('base64url');
  const newKey = randomBytes(32).toString('hex');

  function cipher(current: string, previous?: string): SecretCipher {
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: current,
    };
    if (previous !== undefined) env.ENCRYPTION_KEY_PREVIOUS = previous;
    return new SecretCipher(buildAppConfig(envSchema.parse(env)));
  }

  /** Replaces one base64url character of part `index` of a sealed value. */
  function tamper(sealed: string, index: number): string {
    const parts = sealed.split('.');
    const part = parts[index] ?? '';
    const flipped = part[0] === 'A' ? 'B' : 'A';
    parts[index] = `${flipped}${part.slice(1)}`;
    return parts.join('.');
  }

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pgmon-cipher-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('returns the plaintext of what it sealed', () => {
    const secrets = cipher(oldKey);
    for (const text of [PLAINTEXT, '', 'x', '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n']) {
      assert.equal(secrets.open(secrets.seal(text, 'pg_password'), 'pg_password'), text);
    }
  });

  it('returns v1.<key id>.<iv>.<tag>.<ciphertext> without the plaintext', () => {
    const secrets = cipher(oldKey);
    const sealed = secrets.seal(PLAINTEXT, 'pg_password');
    const id = parseEncryptionKey(oldKey).id;
    assert.match(
      sealed,
      new RegExp(`^v1\\.${id}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`),
    );
    assert.equal(secrets.currentKeyId, id);
    assert.ok(!sealed.includes(PLAINTEXT));
    assert.ok(!sealed.includes(Buffer.from(PLAINTEXT).toString('base64url')));
  });

  it('returns a different sealed value each time (random IV)', () => {
    const secrets = cipher(oldKey);
    assert.notEqual(secrets.seal(PLAINTEXT, 'f'), secrets.seal(PLAINTEXT, 'f'));
  });

  it('throws SecretDecryptError for a tampered iv, tag or ciphertext', () => {
    const secrets = cipher(oldKey);
    const sealed = secrets.seal(PLAINTEXT, 'pg_password');
    for (const index of [2, 3, 4]) {
      assert.throws(
        () => secrets.open(tamper(sealed, index), 'pg_password'),
        (error: unknown) => error instanceof SecretDecryptError && /integrity/.test(error.message),
      );
    }
  });

  it('throws SecretDecryptError when opened for another field (context)', () => {
    const secrets = cipher(oldKey);
    const sealed = secrets.seal(PLAINTEXT, 'ssh_password');
    assert.throws(() => secrets.open(sealed, 'pg_password'), SecretDecryptError);
  });

  it('throws SecretDecryptError for text that is not a sealed value', () => {
    const secrets = cipher(oldKey);
    for (const text of [
      '',
      'plain text',
      'v2.a.b.c.d',
      'v1.onlyid',
      `v1.${secrets.currentKeyId}.a`,
    ]) {
      assert.throws(() => secrets.open(text, 'pg_password'), SecretDecryptError);
    }
  });

  it('returns values sealed with a key now in ENCRYPTION_KEY_PREVIOUS, and calls them stale', () => {
    const sealed = cipher(oldKey).seal(PLAINTEXT, 'pg_password');
    const rotated = cipher(newKey, `${randomBytes(32).toString('hex')}, ${oldKey}`);
    assert.equal(rotated.open(sealed, 'pg_password'), PLAINTEXT);
    assert.equal(rotated.isStale(sealed), true);
    const resealed = rotated.seal(PLAINTEXT, 'pg_password');
    assert.equal(rotated.isStale(resealed), false);
    assert.equal(resealed.split('.')[1], parseEncryptionKey(newKey).id);
  });

  it('throws naming the key id, and no secret, for a key it does not have', () => {
    const sealed = cipher(oldKey).seal(PLAINTEXT, 'pg_password');
    const other = cipher(newKey);
    assert.throws(
      () => other.open(sealed, 'pg_password'),
      (error: unknown) => {
        assert.ok(error instanceof SecretDecryptError);
        assert.ok(error.message.includes(parseEncryptionKey(oldKey).id), error.message);
        assert.match(error.message, /ENCRYPTION_KEY/);
        for (const secret of [PLAINTEXT, oldKey, newKey, sealed.split('.')[4] ?? sealed]) {
          assert.ok(!error.message.includes(secret), 'the message names no secret');
        }
        return true;
      },
    );
  });
});
