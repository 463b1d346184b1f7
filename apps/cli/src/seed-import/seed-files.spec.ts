import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSeedFiles } from './seed-files.js';

describe('readSeedFiles', () => {
  const root = mkdtempSync(join(tmpdir(), 'pgmon-seed-files-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;

  /** A config directory holding the given files. */
  function configDir(files: Record<string, string>): string {
    const dir = join(root, `config-${count++}`);
    mkdirSync(dir);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  }

  it('reads servers.json, users.json and the trimmed Fernet key', () => {
    const dir = configDir({
      'servers.json': JSON.stringify([
        {
          name: 'production-db',
          host: '192.168.1.100',
          port: '5432',
          user: 'pgmon',
          password: 'gAAAAA-token',
          stats_db: '',
          ssh_user: 'root',
          ssh_password: 'gAAAAA-ssh',
          ssh_port: 22,
          comment: 'kept',
        },
      ]),
      'users.json': JSON.stringify([{ login: 'admin', password: '$2b$12$hash' }]),
      'encryption_key.key': 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n',
    });
    const files = readSeedFiles(dir);
    assert.equal(files.fernetKey, 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=');
    assert.equal(files.servers?.length, 1);
    const [server] = files.servers ?? [];
    assert.equal(server?.port, 5432, 'a port written as a string becomes a number');
    assert.equal(server?.stats_db, '');
    assert.equal(server?.ssh_password, 'gAAAAA-ssh');
    assert.equal((server as Record<string, unknown> | undefined)?.comment, 'kept');
    assert.deepEqual(files.users, [{ login: 'admin', password: '$2b$12$hash' }]);
  });

  it('gives null for each file that is absent', () => {
    assert.deepEqual(readSeedFiles(configDir({})), { servers: null, users: null, fernetKey: null });
    const onlyUsers = readSeedFiles(configDir({ 'users.json': '[]' }));
    assert.deepEqual(onlyUsers, { servers: null, users: [], fernetKey: null });
  });

  it('says that a missing config directory does not exist', () => {
    const dir = join(root, 'no-such-dir');
    assert.throws(() => readSeedFiles(dir), { message: `${dir} does not exist` });
  });

  it('names the file that is not valid JSON', () => {
    const dir = configDir({ 'servers.json': '[{"name": "a",' });
    assert.throws(() => readSeedFiles(dir), {
      message: `${join(dir, 'servers.json')} is not valid JSON`,
    });
  });

  it('names the file, the entry and the field of an entry that does not fit', () => {
    const servers = configDir({
      'servers.json': JSON.stringify([
        { name: 'a', host: 'h', port: 5432, user: 'u' },
        { name: 'b', port: 5432, user: 'u' },
      ]),
    });
    assert.throws(
      () => readSeedFiles(servers),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(error.message.startsWith(`${join(servers, 'servers.json')}: entry 1: host`));
        return true;
      },
    );
    const users = configDir({ 'users.json': JSON.stringify([{ login: 'x' }]) });
    assert.throws(
      () => readSeedFiles(users),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(error.message.startsWith(`${join(users, 'users.json')}: entry 0: password`));
        return true;
      },
    );
  });

  it('refuses a users.json that is not a list', () => {
    const dir = configDir({ 'users.json': JSON.stringify({ login: 'admin', password: 'x' }) });
    assert.throws(() => readSeedFiles(dir), new RegExp(`${join(dir, 'users.json')}: `));
  });
});
