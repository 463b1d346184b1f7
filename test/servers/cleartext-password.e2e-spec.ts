/**
 * pgmon never sends a PostgreSQL password in clear text over a connection without TLS: a fake
 * server asking for AuthenticationCleartextPassword gets nothing, and status and /test say why
 * and how to allow it (ALLOW_CLEARTEXT_PASSWORD=true, tested with a second app). md5 still works
 * on a real cluster (a role with an md5 password and its own pg_hba.conf line, removed
 * afterwards), and /test then says that scram-sha-256 is safer.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { superuserClient } from '../support/clusters.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { startFakePostgres, type FakePostgres } from './fake-postgres.js';
import { ServersClient, targets } from './helpers.js';

const { main } = targets.pg;
const PASSWORD = `cleartext-${randomBytes(8).toString('hex')}`;

interface CheckBody {
  status: string;
  postgres: { ok: boolean; error: { code: string } | null; hints: string[] };
}

/** A login role whose password is stored as md5, allowed in by an md5 line of pg_hba.conf. */
async function createMd5Role(): Promise<{ role: string; password: string; drop(): Promise<void> }> {
  const role = `pgmon_md5_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const hbaFile = path.join(main.dataDir, 'pg_hba.conf');
  const original = await readFile(hbaFile, 'utf8');
  const client = await superuserClient(main);
  try {
    await client.query(`set password_encryption = 'md5'`);
    await client.query(`create role ${role} login password ${client.escapeLiteral(password)}`);
    await client.query(`grant pg_monitor to ${role}`);
    // The first matching line wins: this one, for this role only.
    await writeFile(hbaFile, `host all ${role} 127.0.0.1/32 md5\n${original}`);
    await client.query('select pg_reload_conf()');
  } finally {
    await client.end();
  }
  return {
    role,
    password,
    async drop() {
      await writeFile(hbaFile, original);
      const admin = await superuserClient(main);
      try {
        await admin.query('select pg_reload_conf()');
        await admin.query(`drop role if exists ${role}`);
      } finally {
        await admin.end();
      }
    },
  };
}

describe('ServersController', () => {
  let api: TestApi;
  let allowing: TestApi;
  let operator: ServersClient;
  let fake: FakePostgres;

  before(async () => {
    fake = await startFakePostgres('cleartext');
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    operator = new ServersClient(api, await api.adminToken());
  });

  after(async () => {
    if (!allowing) await api?.close();
    await allowing?.close();
    await fake?.close();
  });

  describe('POST /servers/{server_name}/test', () => {
    it('returns "PostgreSQL: clear-text password refused" with a hint; the password is never sent', async () => {
      const name = uniqueName('cleartext');
      const entry = await operator.created({
        ...monitorBody(name),
        port: fake.port,
        password: PASSWORD,
      });
      assert.equal(entry.status, 'PostgreSQL: clear-text password refused');
      assert.equal(entry.pg_error?.code, 'cleartext_password_refused');
      const response = await operator.test(name);
      assert.equal(response.status, 200, response.text);
      const check = response.body as CheckBody;
      assert.equal(check.status, 'PostgreSQL: clear-text password refused');
      assert.equal(check.postgres.error?.code, 'cleartext_password_refused');
      assert.match(check.postgres.hints.join(' '), /ALLOW_CLEARTEXT_PASSWORD=true/);
      assert.match(check.postgres.hints.join(' '), /scram-sha-256/);
      assert.ok(fake.connections >= 2, `${fake.connections} connections: pool and /test`);
      assert.deepEqual(fake.passwords, [], 'no password message reached the server');
    });

    it('returns ok for an md5 login, with a hint that scram-sha-256 is safer', async (t) => {
      const md5 = await createMd5Role();
      t.after(() => md5.drop());
      const name = uniqueName('md5');
      await operator.created({ ...monitorBody(name), user: md5.role, password: md5.password });
      const check = (await operator.test(name)).body as CheckBody;
      assert.equal(check.status, 'ok', JSON.stringify(check));
      assert.equal(check.postgres.ok, true);
      assert.match(check.postgres.hints.join(' '), /md5.*scram-sha-256 is safer/);
    });

    it('returns no md5 hint for a scram-sha-256 login', async () => {
      const name = uniqueName('scram');
      await operator.created(monitorBody(name));
      const check = (await operator.test(name)).body as CheckBody;
      assert.equal(check.status, 'ok');
      assert.deepEqual(check.postgres.hints, []);
    });

    it('returns "PostgreSQL: authentication failed" after sending it when ALLOW_CLEARTEXT_PASSWORD=true', async () => {
      // Last: passport's strategies are global, so one app runs at a time.
      await api.close();
      allowing = await startTestApi({
        COLLECTOR_ENABLED: 'false',
        ALLOW_CLEARTEXT_PASSWORD: 'true',
      });
      const client = new ServersClient(allowing, await allowing.adminToken());
      const name = uniqueName('cleartext-allowed');
      await client.created({ ...monitorBody(name), port: fake.port, password: PASSWORD });
      const check = (await client.test(name)).body as CheckBody;
      assert.equal(check.status, 'PostgreSQL: authentication failed');
      assert.ok(fake.passwords.includes(PASSWORD), 'the password was sent in clear text');
    });
  });
});
