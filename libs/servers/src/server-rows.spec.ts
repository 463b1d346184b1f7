import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import { buildAppConfig, envSchema } from '#config';
import { SecretCipher } from '#secrets';
import { ed25519KeyPairSync } from '#ssh-keys';
import type { CreateServerDto, UpdateServerDto } from './dto/server.dto.js';
import type { SecretField, ServerRecord } from './server.record.js';
import { toNewRow, toRowChanges } from './server-rows.js';

const PASSPHRASE = 'rows-spec-passphrase';
const PINNED = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const OTHER_PIN = 'SHA256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

const PLAIN_KEY = ed25519KeyPairSync().private;
const ENCRYPTED_KEY = ed25519KeyPairSync({ passphrase: PASSPHRASE }).private;

/** The 422 names exactly this field, and its message holds none of the secrets. */
function invalid(field: string, secrets: string[] = []) {
  return (error: unknown) => {
    assert.ok(error instanceof UnprocessableEntityException);
    const body = error.getResponse() as { detail: { loc: string[]; msg: string }[] };
    assert.deepEqual(
      body.detail.map((issue) => issue.loc),
      [['body', field]],
    );
    const text = JSON.stringify(body);
    for (const secret of secrets) assert.ok(!text.includes(secret), 'no secret in the 422');
    return true;
  };
}

describe('server rows', () => {
  let dataDir: string;
  let cipher: SecretCipher;

  const seed: CreateServerDto = {
    name: 'db1',
    host: '10.0.0.1',
    port: 5432,
    user: 'monitor',
    password: 'pg-secret',
  };

  function record(
    overrides: Partial<ServerRecord> = {},
    plain: Partial<Record<SecretField, string>> = {},
  ): ServerRecord {
    const sealed = {
      pg_password: null,
      ssh_password: null,
      ssh_private_key: null,
      ssh_key_passphrase: null,
    } as Record<SecretField, string | null>;
    for (const [field, value] of Object.entries(plain) as [SecretField, string][]) {
      sealed[field] = cipher.seal(value, field);
    }
    return {
      id: 1,
      name: 'db1',
      host: '10.0.0.1',
      port: 5432,
      user: 'monitor',
      database: 'postgres',
      sslMode: 'disable',
      sshUser: null,
      sshPort: 22,
      sshAuthType: 'password',
      sshHostKey: null,
      statsDb: null,
      generation: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
      sealed,
      sshKey: null,
      ...overrides,
    };
  }

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pgmon-rows-'));
    cipher = new SecretCipher(
      buildAppConfig(
        envSchema.parse({
          DATA_DIR: dataDir,
          SECRET_KEY: randomBytes(32).toString('base64url'),
          ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
        }),
      ),
    );
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('toNewRow', () => {
    it('returns the seed fields with defaults and the password sealed', () => {
      const row = toNewRow(seed, cipher);
      assert.equal(row.name, 'db1');
      assert.equal(row.pg_user, 'monitor');
      assert.equal(row.database, 'postgres');
      assert.equal(row.ssl_mode, 'disable');
      assert.equal(row.ssh_port, 22);
      assert.equal(row.ssh_user, null);
      assert.equal(row.ssh_auth_type, 'password');
      assert.equal(row.ssh_host_key, null);
      assert.equal(row.stats_db, null);
      assert.ok(row.pg_password && !row.pg_password.includes('pg-secret'));
      assert.equal(cipher.open(row.pg_password, 'pg_password'), 'pg-secret');
      assert.equal(row.ssh_password, null);
      assert.equal(row.ssh_private_key, null);
      assert.equal(row.ssh_key_passphrase, null);
    });

    it('returns null for secrets sent empty or null', () => {
      const row = toNewRow({ ...seed, password: '', ssh_password: null }, cipher);
      assert.equal(row.pg_password, null);
      assert.equal(row.ssh_password, null);
    });

    it('returns each secret sealed for its own field', () => {
      const row = toNewRow(
        {
          ...seed,
          ssh_user: 'root',
          ssh_password: 'ssh-secret',
          ssh_private_key: ENCRYPTED_KEY,
          ssh_key_passphrase: PASSPHRASE,
          ssh_auth_type: 'key',
        },
        cipher,
      );
      assert.equal(cipher.open(row.ssh_password ?? '', 'ssh_password'), 'ssh-secret');
      assert.equal(cipher.open(row.ssh_private_key ?? '', 'ssh_private_key'), ENCRYPTED_KEY);
      assert.equal(cipher.open(row.ssh_key_passphrase ?? '', 'ssh_key_passphrase'), PASSPHRASE);
      assert.throws(() => cipher.open(row.ssh_password ?? '', 'pg_password'));
    });

    it('returns ssh_auth_type key when a private key is given without a type', () => {
      const row = toNewRow({ ...seed, ssh_user: 'root', ssh_private_key: PLAIN_KEY }, cipher);
      assert.equal(row.ssh_auth_type, 'key');
    });

    it('returns ssh_auth_type password when only an SSH password is given', () => {
      const row = toNewRow({ ...seed, ssh_user: 'root', ssh_password: 'x' }, cipher);
      assert.equal(row.ssh_auth_type, 'password');
    });

    it('returns the pinned host key and the optional fields as given', () => {
      const row = toNewRow(
        { ...seed, ssh_host_key: PINNED, database: 'app', ssl_mode: 'require', stats_db: 'st' },
        cipher,
      );
      assert.equal(row.ssh_host_key, PINNED);
      assert.equal(row.database, 'app');
      assert.equal(row.ssl_mode, 'require');
      assert.equal(row.stats_db, 'st');
    });

    it('throws 422 on ssh_password for an SSH user without any credential', () => {
      assert.throws(() => toNewRow({ ...seed, ssh_user: 'root' }, cipher), invalid('ssh_password'));
    });

    it('throws 422 on ssh_private_key for ssh_auth_type key without a key', () => {
      assert.throws(
        () =>
          toNewRow({ ...seed, ssh_user: 'root', ssh_auth_type: 'key', ssh_password: 'x' }, cipher),
        invalid('ssh_private_key'),
      );
    });

    it('throws 422 on ssh_private_key for a key that cannot be parsed', () => {
      const broken =
        '-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n-----END OPENSSH PRIVATE KEY-----';
      assert.throws(
        () => toNewRow({ ...seed, ssh_user: 'root', ssh_private_key: broken }, cipher),
        invalid('ssh_private_key', ['garbage']),
      );
    });

    it('throws 422 on ssh_key_passphrase for an encrypted key without or with a wrong passphrase', () => {
      const base = { ...seed, ssh_user: 'root', ssh_private_key: ENCRYPTED_KEY };
      assert.throws(() => toNewRow(base, cipher), invalid('ssh_key_passphrase'));
      assert.throws(
        () => toNewRow({ ...base, ssh_key_passphrase: 'wrong-passphrase' }, cipher),
        invalid('ssh_key_passphrase', ['wrong-passphrase', PASSPHRASE]),
      );
      assert.equal(
        toNewRow({ ...base, ssh_key_passphrase: PASSPHRASE }, cipher).ssh_auth_type,
        'key',
      );
    });
  });

  describe('toRowChanges', () => {
    it('returns no change of a stored field for an empty request', () => {
      const changes = toRowChanges(record({}, { pg_password: 'pg' }), {}, cipher);
      assert.deepEqual(changes, { ssh_auth_type: 'password', ssh_key_id: null });
    });

    it('returns no password change for a password sent empty (kept)', () => {
      const changes = toRowChanges(record({}, { pg_password: 'pg' }), { password: '' }, cipher);
      assert.ok(!('pg_password' in changes));
    });

    it('returns null for a secret sent as null (removed)', () => {
      const changes = toRowChanges(record({}, { pg_password: 'pg' }), { password: null }, cipher);
      assert.equal(changes.pg_password, null);
    });

    it('returns a new secret sealed', () => {
      const changes = toRowChanges(record({}, { pg_password: 'pg' }), { password: 'new' }, cipher);
      assert.equal(cipher.open(changes.pg_password ?? '', 'pg_password'), 'new');
    });

    it('returns the changed plain fields, and the new name', () => {
      const input: UpdateServerDto = { name: 'db2', port: 6432, user: 'u2', database: 'd2' };
      const changes = toRowChanges(record(), input, cipher);
      assert.equal(changes.name, 'db2');
      assert.equal(changes.port, 6432);
      assert.equal(changes.pg_user, 'u2');
      assert.equal(changes.database, 'd2');
      assert.ok(!('host' in changes));
    });

    it('returns ssh_host_key null when the host moved (a recorded key is forgotten)', () => {
      const current = record({ sshHostKey: PINNED });
      assert.equal(toRowChanges(current, { host: '10.0.0.2' }, cipher).ssh_host_key, null);
      assert.equal(toRowChanges(current, { ssh_port: 2222 }, cipher).ssh_host_key, null);
    });

    it('returns no host key change when host and SSH port stay the same', () => {
      const current = record({ sshHostKey: PINNED });
      const changes = toRowChanges(current, { host: '10.0.0.1', ssh_port: 22, port: 1 }, cipher);
      assert.ok(!('ssh_host_key' in changes));
    });

    it('returns the pinned key sent with a move, and null when the request clears it', () => {
      const current = record({ sshHostKey: PINNED });
      const moved = toRowChanges(
        current,
        { host: 'db.example.com', ssh_host_key: OTHER_PIN },
        cipher,
      );
      assert.equal(moved.ssh_host_key, OTHER_PIN);
      assert.equal(toRowChanges(current, { ssh_host_key: null }, cipher).ssh_host_key, null);
    });

    it('returns ssh_auth_type key when a private key is sent without a type', () => {
      const current = record({ sshUser: 'root' }, { ssh_password: 'pw' });
      const changes = toRowChanges(current, { ssh_private_key: PLAIN_KEY }, cipher);
      assert.equal(changes.ssh_auth_type, 'key');
      assert.equal(cipher.open(changes.ssh_private_key ?? '', 'ssh_private_key'), PLAIN_KEY);
    });

    it('returns the stored auth type when no key is sent', () => {
      const current = record(
        { sshUser: 'root', sshAuthType: 'key' },
        { ssh_private_key: PLAIN_KEY },
      );
      assert.equal(toRowChanges(current, { ssh_password: 'x' }, cipher).ssh_auth_type, 'key');
    });

    it('throws 422 on ssh_password when the only SSH credential is removed', () => {
      const current = record({ sshUser: 'root' }, { ssh_password: 'pw' });
      assert.throws(
        () => toRowChanges(current, { ssh_password: null }, cipher),
        invalid('ssh_password'),
      );
    });

    it('returns the removal of SSH user and password together', () => {
      const current = record({ sshUser: 'root' }, { ssh_password: 'pw' });
      const changes = toRowChanges(current, { ssh_user: null, ssh_password: null }, cipher);
      assert.equal(changes.ssh_user, null);
      assert.equal(changes.ssh_password, null);
    });

    it('throws 422 on ssh_key_passphrase for a new passphrase that does not open the stored key', () => {
      const current = record(
        { sshUser: 'root', sshAuthType: 'key' },
        { ssh_private_key: ENCRYPTED_KEY, ssh_key_passphrase: PASSPHRASE },
      );
      assert.throws(
        () => toRowChanges(current, { ssh_key_passphrase: 'not-it' }, cipher),
        invalid('ssh_key_passphrase', ['not-it', PASSPHRASE]),
      );
      assert.throws(
        () =>
          toRowChanges(
            current,
            { ssh_key_passphrase: null, ssh_private_key: ENCRYPTED_KEY },
            cipher,
          ),
        invalid('ssh_key_passphrase'),
      );
      const same = toRowChanges(current, { ssh_key_passphrase: PASSPHRASE }, cipher);
      assert.equal(cipher.open(same.ssh_key_passphrase ?? '', 'ssh_key_passphrase'), PASSPHRASE);
    });

    it('throws 422 on password when host, port or user changes and the stored password is not sent', () => {
      const current = record({}, { pg_password: 'pg' });
      for (const change of [{ port: 6432 }, { user: 'other' }, { port: 6432, password: '' }]) {
        assert.throws(() => toRowChanges(current, change, cipher), invalid('password', ['pg']));
      }
    });

    it('returns the changes of a move with the password sent, removed, or none stored', () => {
      const current = record({}, { pg_password: 'pg' });
      const sent = toRowChanges(current, { port: 6432, password: 'new' }, cipher);
      assert.equal(cipher.open(sent.pg_password ?? '', 'pg_password'), 'new');
      assert.equal(toRowChanges(current, { port: 6432, password: null }, cipher).pg_password, null);
      assert.equal(toRowChanges(record(), { user: 'other' }, cipher).pg_user, 'other');
      assert.ok(!('pg_password' in toRowChanges(current, { port: 5432, user: 'monitor' }, cipher)));
    });

    it('throws 422 naming password and ssh_password when the host changes without them', () => {
      const current = record({ sshUser: 'root' }, { pg_password: 'pg', ssh_password: 'pw' });
      assert.throws(
        () => toRowChanges(current, { host: '10.0.0.9' }, cipher),
        (error: unknown) => {
          assert.ok(error instanceof UnprocessableEntityException);
          const body = error.getResponse() as { detail: { loc: string[] }[] };
          assert.deepEqual(
            body.detail.map((issue) => issue.loc[1]),
            ['password', 'ssh_password'],
          );
          return true;
        },
      );
    });

    it('throws 422 on the SSH secret in use when ssh_port or ssh_user changes without it', () => {
      const withPassword = record({ sshUser: 'root' }, { ssh_password: 'pw' });
      for (const change of [{ ssh_port: 2222 }, { ssh_user: 'admin' }]) {
        assert.throws(() => toRowChanges(withPassword, change, cipher), invalid('ssh_password'));
      }
      const withKey = record(
        { sshUser: 'root', sshAuthType: 'key' },
        { ssh_private_key: PLAIN_KEY },
      );
      assert.throws(
        () => toRowChanges(withKey, { ssh_port: 2222 }, cipher),
        invalid('ssh_private_key'),
      );
    });

    it('returns the SSH secrets not sent with a move removed', () => {
      const current = record(
        { sshUser: 'root', sshAuthType: 'key' },
        { ssh_password: 'pw', ssh_private_key: ENCRYPTED_KEY, ssh_key_passphrase: PASSPHRASE },
      );
      const changes = toRowChanges(current, { ssh_port: 2222, ssh_private_key: PLAIN_KEY }, cipher);
      assert.equal(cipher.open(changes.ssh_private_key ?? '', 'ssh_private_key'), PLAIN_KEY);
      assert.equal(changes.ssh_password, null);
      assert.equal(changes.ssh_key_passphrase, null);
    });

    it('throws 422 on ssh_key_passphrase for a moved encrypted key sent without its passphrase', () => {
      const current = record(
        { sshUser: 'root', sshAuthType: 'key' },
        { ssh_private_key: ENCRYPTED_KEY, ssh_key_passphrase: PASSPHRASE },
      );
      const move = { ssh_user: 'admin', ssh_private_key: ENCRYPTED_KEY };
      assert.throws(() => toRowChanges(current, move, cipher), invalid('ssh_key_passphrase'));
      const sent = toRowChanges(current, { ...move, ssh_key_passphrase: PASSPHRASE }, cipher);
      assert.equal(cipher.open(sent.ssh_key_passphrase ?? '', 'ssh_key_passphrase'), PASSPHRASE);
    });

    it('throws 422 on ssh_key_passphrase for a new encrypted key that the stored passphrase does not open', () => {
      const other = ed25519KeyPairSync({ passphrase: 'another-one' }).private;
      const current = record(
        { sshUser: 'root', sshAuthType: 'key' },
        { ssh_private_key: ENCRYPTED_KEY, ssh_key_passphrase: PASSPHRASE },
      );
      assert.throws(
        () => toRowChanges(current, { ssh_private_key: other }, cipher),
        invalid('ssh_key_passphrase'),
      );
    });
  });
});
