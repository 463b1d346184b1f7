/**
 * Secrets at rest: the SQLite store holds only sealed values naming the key that sealed them;
 * an app started with another ENCRYPTION_KEY reports the server clearly instead of crashing or
 * leaking; ENCRYPTION_KEY_PREVIOUS makes old values readable, and saving re-seals them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseEncryptionKey } from '#config';
import { startTestApi, type TestApi } from '../support/api.js';
import { startTcpCounter, type TcpCounter } from '../ssh/tcp-counter.js';
import { uniqueName } from '../support/names.js';
import { assertNoSecretIn, ResponseRecorder } from '../support/responses.js';
import { eventually } from '../support/timing.js';
import { harnessSecrets, ServersClient, sshd, targets, type StatusEntry } from './helpers.js';

const SEALED = /^v1\.([0-9a-f]{8})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SECRET_COLUMNS = ['pg_password', 'ssh_password', 'ssh_private_key', 'ssh_key_passphrase'];
const SSH_PASSWORD = sshd.passwordUser?.password ?? 'secrets-ssh-password-not-used-1';

describe('ServersController', () => {
  const { main } = targets.pg;
  const { keyUser } = sshd;
  const oldKey = randomBytes(32).toString('base64url');
  const newKey = randomBytes(32).toString('hex');
  const name = uniqueName('secrets');
  const recorder = new ResponseRecorder();
  const needles = harnessSecrets([SSH_PASSWORD]);
  let dataDir: string;
  let relay: TcpCounter;
  let api: TestApi | undefined;
  let admin: ServersClient;

  /** Starts the app on the shared DATA_DIR (closing the previous one) with these keys. */
  async function restart(encryptionKey: string, previous?: string): Promise<void> {
    await api?.close();
    api = await startTestApi({
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: encryptionKey,
      ENCRYPTION_KEY_PREVIOUS: previous,
      COLLECTOR_ENABLED: 'false',
    });
    recorder.attach(api);
    admin = new ServersClient(api, await api.adminToken());
  }

  function storedRow(): Record<string, unknown> {
    const db = new Database(path.join(dataDir, 'pgmon.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const row = db.prepare('select * from servers where name = ?').get(name);
      assert.ok(row, 'the servers row');
      return row as Record<string, unknown>;
    } finally {
      db.close();
    }
  }

  /** The key id each secret column names. */
  function keyIds(row: Record<string, unknown>): string[] {
    return SECRET_COLUMNS.map((column) => {
      const value = row[column];
      assert.equal(typeof value, 'string', `${column} is stored`);
      const match = SEALED.exec(value as string);
      assert.ok(match, `${column} looks like v1.<key id>.<iv>.<tag>.<ciphertext>`);
      return match[1] ?? '';
    });
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pgmon-secrets-'));
    relay = await startTcpCounter(main.port);
    await restart(oldKey);
  });

  after(async () => {
    await api?.close();
    await relay?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('POST /servers', () => {
    it('returns has_* flags for every secret sent', async () => {
      const entry = await admin.created({
        name,
        host: '127.0.0.1',
        port: relay.port,
        user: main.monitorUser,
        password: main.monitorPassword,
        ssh_user: keyUser.login,
        ssh_port: sshd.port,
        ssh_auth_type: 'key',
        ssh_password: SSH_PASSWORD,
        ssh_private_key: keyUser.rsaKey,
        ssh_key_passphrase: keyUser.rsaPassphrase,
      });
      assert.equal(entry.status, 'ok', JSON.stringify(entry));
      assert.equal(entry.has_password, true);
      assert.equal(entry.has_ssh_password, true);
      assert.equal(entry.has_ssh_private_key, true);
      assert.equal(entry.has_ssh_key_passphrase, true);
    });

    it('stores every secret sealed with the ENCRYPTION_KEY id, never in plain text', () => {
      const row = storedRow();
      assert.deepEqual(keyIds(row), Array(4).fill(parseEncryptionKey(oldKey).id));
      for (const [column, value] of Object.entries(row)) {
        assertNoSecretIn(String(value), needles, `column ${column}`);
      }
    });

    it('writes no secret in plain text to any file of the store', () => {
      const files = ['pgmon.db', 'pgmon.db-wal', 'pgmon.db-shm']
        .map((file) => path.join(dataDir, file))
        .filter((file) => existsSync(file));
      assert.ok(files.length >= 1);
      for (const file of files) {
        assertNoSecretIn(readFileSync(file).toString('latin1'), needles, path.basename(file));
      }
    });
  });

  describe('GET /servers/{server_name} with another ENCRYPTION_KEY', () => {
    before(async () => {
      await restart(newKey);
    });

    it('returns the server with a status that says the password cannot be read', async () => {
      const entry = await admin.entry(name);
      assert.equal(entry.status, 'PostgreSQL: stored password unreadable');
      assert.doesNotMatch(entry.status, /ok/);
      assert.equal(entry.pg_error?.code, 'secret_unreadable');
      assert.match(entry.pg_error?.message ?? '', /ENCRYPTION_KEY/);
      assert.equal(entry.has_password, true);
      assert.equal(entry.free_space, null);
    });

    it('returns every route without a crash', async () => {
      const listed = (await admin.list()).find((entry: StatusEntry) => entry.name === name);
      assert.equal(listed?.status, 'PostgreSQL: stored password unreadable');
      const test = await admin.test(name);
      assert.equal(test.status, 200, test.text);
      assert.equal(
        (test.body as { postgres: { error: { code: string } } }).postgres.error.code,
        'secret_unreadable',
      );
      const sessions = await admin.sessions(name);
      assert.equal(sessions.status, 502, sessions.text);
      assert.match((sessions.body as { detail: string }).detail, /stored password unreadable/);
      assert.equal((await api?.http.get('/api/health'))?.status, 200);
    });

    it('leaves no socket open after the failed attempts', async () => {
      assert.ok(relay.accepted > 0);
      await eventually(
        () => Promise.resolve(relay.open),
        (open) => open === 0,
        3000,
        'sockets of attempts without a readable password closed',
      );
    });
  });

  describe('GET /servers/{server_name} with the old key in ENCRYPTION_KEY_PREVIOUS', () => {
    before(async () => {
      await restart(newKey, oldKey);
    });

    it('returns ok with the disk read over SSH', async () => {
      const entry = await admin.entry(name);
      assert.equal(entry.status, 'ok', JSON.stringify(entry.pg_error ?? entry.ssh_error));
      assert.ok((entry.free_space ?? 0) > 0, 'the key and its passphrase were opened');
    });

    it('re-seals the stored secrets when the server is saved again, so the new key alone reads them', async () => {
      // README: "To rotate, move the current key to ENCRYPTION_KEY_PREVIOUS, set a new
      // ENCRYPTION_KEY, and save each server again". Seed clients save with the GET's fields.
      const current = await admin.entry(name);
      const saved = await admin.updated(name, { ...current });
      assert.equal(saved.status, 'ok');
      assert.deepEqual(keyIds(storedRow()), Array(4).fill(parseEncryptionKey(newKey).id));
      await restart(newKey);
      const entry = await admin.entry(name);
      assert.equal(entry.status, 'ok', JSON.stringify(entry.pg_error ?? entry.ssh_error));
    });
  });

  // Runs last: covers every response of the tests above.
  describe('responses of this file', () => {
    it('return no secret', () => {
      assert.ok(recorder.assertNoSecrets(needles) > 10);
    });
  });
});
