import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fingerprintOf, HostKeyCheck } from './host-key.js';

/** A fresh key pair from ssh-keygen: its public key blob and the fingerprint ssh-keygen prints. */
function generatedKey(dir: string, type: 'ed25519' | 'rsa') {
  const file = join(dir, `key_${type}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'test', '-f', file]);
  const blob = Buffer.from(readFileSync(`${file}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
  const listed = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' });
  return { blob, fingerprint: listed.split(' ')[1] ?? '' };
}

describe('fingerprintOf', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pgmon-hostkey-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const type of ['ed25519', 'rsa'] as const) {
    it(`returns what ssh-keygen -lf prints for an ${type} key`, () => {
      const key = generatedKey(dir, type);
      assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
      assert.equal(fingerprintOf(key.blob), key.fingerprint);
    });
  }
});

describe(HostKeyCheck.name, () => {
  const key = Buffer.from('a host key blob');
  const other = Buffer.from('another host key blob');

  it('returns true for any key on first contact and records it', () => {
    const check = new HostKeyCheck(null);
    assert.equal(check.verify(key), true);
    assert.equal(check.seen, fingerprintOf(key));
    assert.equal(check.refused, false);
  });

  it('returns true for the pinned key, with or without base64 padding', () => {
    for (const pinned of [
      fingerprintOf(key),
      `${fingerprintOf(key)}=`,
      ` ${fingerprintOf(key)}\n`,
    ]) {
      const check = new HostKeyCheck(pinned);
      assert.equal(check.verify(key), true);
      assert.equal(check.refused, false);
    }
  });

  it('returns false for another key and names both fingerprints in the error', () => {
    const check = new HostKeyCheck(fingerprintOf(key));
    assert.equal(check.verify(other), false);
    assert.equal(check.refused, true);
    const error = check.error();
    assert.equal(error.code, 'host_key_changed');
    assert.equal(error.expectedHostKey, fingerprintOf(key));
    assert.equal(error.actualHostKey, fingerprintOf(other));
  });

  it('returns refused = false before the server presented a key', () => {
    assert.equal(new HostKeyCheck(fingerprintOf(key)).refused, false);
  });
});
