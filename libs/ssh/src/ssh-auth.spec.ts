import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { authMethodFor, parsePrivateKey } from './ssh-auth.js';
import { SshError } from './ssh-errors.js';

const PASSPHRASE = 'correct horse battery staple';

function keygen(dir: string, name: string, args: string[]): { key: string; pub: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-C', 'test', '-f', file, ...args]);
  return { key: readFileSync(file, 'utf8'), pub: readFileSync(`${file}.pub`, 'utf8') };
}

/** The key was refused as invalid, and the error text holds none of it. */
function invalidKey(keyText: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.code, 'invalid_private_key');
    for (const line of keyText.split('\n').filter((l) => l.length > 20)) {
      assert.ok(!error.message.includes(line), 'the message contains key material');
    }
    assert.ok(!error.message.includes(PASSPHRASE));
    return true;
  };
}

describe('parsePrivateKey', () => {
  let dir: string;
  let ed25519: { key: string; pub: string };
  let rsa: { key: string; pub: string };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgmon-keys-'));
    ed25519 = keygen(dir, 'ed', ['-t', 'ed25519', '-N', '']);
    rsa = keygen(dir, 'rsa', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('returns an OpenSSH ed25519 key', () => {
    assert.equal(parsePrivateKey(ed25519.key).type, 'ssh-ed25519');
  });

  it('returns a PEM RSA key with its passphrase', () => {
    assert.equal(parsePrivateKey(rsa.key, PASSPHRASE).type, 'ssh-rsa');
  });

  it('throws invalid_private_key for a wrong passphrase', () => {
    assert.throws(() => parsePrivateKey(rsa.key, 'wrong'), invalidKey(rsa.key));
  });

  it('throws invalid_private_key for a missing passphrase', () => {
    assert.throws(() => parsePrivateKey(rsa.key), invalidKey(rsa.key));
  });

  it('throws invalid_private_key for a damaged key', () => {
    const damaged = ed25519.key.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    assert.throws(() => parsePrivateKey(damaged), invalidKey(damaged));
    assert.throws(() => parsePrivateKey('not a key'), invalidKey('not a key'));
  });

  it('throws invalid_private_key for a public key', () => {
    assert.throws(() => parsePrivateKey(ed25519.pub), invalidKey(ed25519.pub));
  });
});

describe('authMethodFor', () => {
  const base = { host: 'h', port: 22, username: 'monitor', pinnedHostKey: null };

  it('returns exactly the password method for password auth', () => {
    const method = authMethodFor({ ...base, auth: { type: 'password', password: () => 'pw' } });
    assert.deepEqual(method, { type: 'password', username: 'monitor', password: 'pw' });
  });

  it('throws without the thrown text when a credential cannot be read', () => {
    const failing = () => {
      throw new Error('decryption failed for s3cr3t');
    };
    assert.throws(
      () => authMethodFor({ ...base, auth: { type: 'password', password: failing } }),
      (error: unknown) =>
        error instanceof SshError &&
        error.reason === 'credentials unavailable' &&
        !error.message.includes('s3cr3t'),
    );
  });
});
