import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HOST_KEY_PATTERN,
  HostConstraint,
  PrivateKeyConstraint,
  SERVER_NAME_PATTERN,
} from './field-rules.js';

describe(HostConstraint.name, () => {
  const constraint = new HostConstraint();

  for (const host of [
    'localhost',
    '127.0.0.1',
    '192.168.1.100',
    '::1',
    '2001:db8::5',
    'db.example.com',
    'db-1.prod.example.com.',
    'a'.repeat(63),
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
  ]) {
    it(`returns true for ${host.length > 40 ? `a ${host.length}-character name` : host}`, () => {
      assert.equal(constraint.validate(host), true);
    });
  }

  for (const host of [
    'http://x',
    'a b',
    'host:5432',
    '127.0.0.1:5432',
    'user@host',
    'host/path',
    '-leading.example.com',
    'trailing-.example.com',
    'a..b',
    '',
    ' localhost',
    'a'.repeat(64),
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`,
    '[::1]',
    'host\nname',
  ]) {
    it(`returns false for ${JSON.stringify(host.length > 40 ? `${host.slice(0, 20)}...` : host)}`, () => {
      assert.equal(constraint.validate(host), false);
    });
  }

  for (const value of [5432, null, undefined, ['localhost'], { host: 'x' }]) {
    it(`returns false for the non-string ${JSON.stringify(value)}`, () => {
      assert.equal(constraint.validate(value), false);
    });
  }

  it('returns a message that says what a host is', () => {
    assert.match(constraint.defaultMessage(), /host name or an IP address/);
  });
});

describe(PrivateKeyConstraint.name, () => {
  const constraint = new PrivateKeyConstraint();

  it('returns true for PEM and OpenSSH private key headers, null and empty', () => {
    for (const value of [
      '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
      '-----BEGIN RSA PRIVATE KEY-----\nabc',
      '-----BEGIN PRIVATE KEY-----\nabc',
      null,
      '',
    ]) {
      assert.equal(constraint.validate(value), true, String(value));
    }
  });

  it('returns false for text that is not a private key', () => {
    for (const value of ['hello', '-----BEGIN PUBLIC KEY-----\nabc', 'ssh-ed25519 AAAA x', 42]) {
      assert.equal(constraint.validate(value), false, String(value));
    }
  });
});

describe('SERVER_NAME_PATTERN', () => {
  it('accepts 1-63 characters of letters, digits, ".", "_" and "-", first a letter or digit', () => {
    for (const name of ['a', '7', 'production-db', 'db_1.example', 'A'.repeat(63), 'x..', 'x-']) {
      assert.match(name, SERVER_NAME_PATTERN);
    }
  });

  it('refuses spaces, slashes, 64 characters, the empty name and a leading ".", "_" or "-"', () => {
    for (const name of [
      'a b',
      'a/b',
      'A'.repeat(64),
      '',
      'db?x',
      'naïve',
      '.',
      '..',
      '-',
      '_x',
      '.x',
      '-x',
    ]) {
      assert.doesNotMatch(name, SERVER_NAME_PATTERN);
    }
  });
});

describe('HOST_KEY_PATTERN', () => {
  it('accepts an OpenSSH SHA256 fingerprint', () => {
    assert.match('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU', HOST_KEY_PATTERN);
  });

  it('refuses other shapes', () => {
    for (const text of [
      'SHA256:short',
      'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
      '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
      'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
      'sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    ]) {
      assert.doesNotMatch(text, HOST_KEY_PATTERN);
    }
  });
});
