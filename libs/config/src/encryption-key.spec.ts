import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseEncryptionKey } from './encryption-key.js';

/** 32 bytes whose base64 form uses both `+` and `/` (base64url: `-` and `_`). */
const RAW = Buffer.alloc(32, 0xfb);

describe(parseEncryptionKey.name, () => {
  it('returns the bytes of 64 hex digits', () => {
    const raw = randomBytes(32);
    assert.ok(parseEncryptionKey(raw.toString('hex')).key.equals(raw));
    assert.ok(parseEncryptionKey(raw.toString('hex').toUpperCase()).key.equals(raw));
  });

  it('returns the bytes of base64, padded or not', () => {
    const padded = RAW.toString('base64');
    assert.match(padded, /\+.*\/.*=$/);
    assert.ok(parseEncryptionKey(padded).key.equals(RAW));
    assert.ok(parseEncryptionKey(padded.replace(/=$/, '')).key.equals(RAW));
  });

  it('returns the bytes of base64url', () => {
    const text = RAW.toString('base64url');
    assert.match(text, /-.*_/);
    assert.ok(parseEncryptionKey(text).key.equals(RAW));
  });

  it('returns the SHA-256 of a long passphrase', () => {
    const text = 'correct horse battery staple, and a few words more';
    const expected = createHash('sha256').update(text).digest();
    assert.ok(parseEncryptionKey(text).key.equals(expected));
  });

  it('throws naming the variable for text under 32 bytes', () => {
    assert.throws(() => parseEncryptionKey('too short'), /^Error: ENCRYPTION_KEY: .*32 bytes/);
    assert.throws(
      () => parseEncryptionKey('too short', 'ENCRYPTION_KEY_PREVIOUS'),
      /^Error: ENCRYPTION_KEY_PREVIOUS: /,
    );
  });

  it('returns a stable id per key that differs between keys', () => {
    const a = parseEncryptionKey(RAW.toString('base64url'));
    assert.match(a.id, /^[0-9a-f]{8}$/);
    assert.equal(parseEncryptionKey(RAW.toString('base64url')).id, a.id);
    // The id names the key, not its spelling.
    assert.equal(parseEncryptionKey(RAW.toString('hex')).id, a.id);
    assert.notEqual(parseEncryptionKey(randomBytes(32).toString('hex')).id, a.id);
  });
});
