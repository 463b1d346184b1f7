/**
 * The servers routes' CRUD contract: seed bodies and pgmon's additions, roles, validation,
 * conflicts, unknown names, PUT semantics of secrets, and that no secret is ever returned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { startTcpCounter, type TcpCounter } from '../ssh/tcp-counter.js';
import { uniqueName } from '../support/names.js';
import { assertNoKeysMatching, issueLocations, ResponseRecorder } from '../support/responses.js';
import { monitorBody, sshKeyBody, sshRsaKeyBody } from '../support/server-bodies.js';
import {
  harnessSecrets,
  SEED_KEYS,
  ServersClient,
  sshd,
  targets,
  type StatusEntry,
} from './helpers.js';

const WRONG_PASSPHRASE = 'crud-wrong-passphrase-4711';
const NOT_A_KEY = 'this is not a private key at all';
const GARBLED_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nZ2FyYmFnZSBnYXJiYWdlIGdhcmJhZ2U=\n-----END OPENSSH PRIVATE KEY-----\n';
const SECRET_KEYS = /^(password|ssh_password|ssh_private_key|ssh_key_passphrase)$/;

describe('ServersController', () => {
  let api: TestApi;
  let admin: ServersClient;
  let operator: ServersClient;
  let viewer: ServersClient;
  /**
   * Servers without a password connect through this relay: their failed logins must not keep
   * sockets open (see pools.e2e-spec), and if they do, closing the relay ends them.
   */
  let relay: TcpCounter;
  const recorder = new ResponseRecorder();
  const { main } = targets.pg;
  const { keyUser, passwordUser } = sshd;
  /** A server on the main cluster that PUT tests change back and forth. */
  const editable = uniqueName('crud-edit');

  before(async () => {
    api = await startTestApi({
      STATUS_DEADLINE_MS: '2000',
      PG_CONNECT_TIMEOUT_MS: '1000',
      COLLECTOR_ENABLED: 'false',
    });
    recorder.attach(api);
    relay = await startTcpCounter(main.port);
    admin = new ServersClient(api, await api.adminToken());
    operator = new ServersClient(api, await api.userToken('crud-operator', 'operator'));
    viewer = new ServersClient(api, await api.userToken('crud-viewer', 'viewer'));
    await admin.created(monitorBody(editable));
  });

  after(async () => {
    await api?.close();
    await relay?.close();
  });

  describe('POST /servers', () => {
    it('returns 201 with the status entry for the seed fields, seed keys first', async () => {
      const name = uniqueName('crud-seed');
      const body = {
        ...monitorBody(name),
        ssh_user: passwordUser?.login ?? keyUser.login,
        ssh_password: passwordUser?.password ?? 'no-password-login-here',
        ssh_port: sshd.port,
        stats_db: 'postgres',
      };
      const response = await admin.create(body);
      assert.equal(response.status, 201, response.text);
      const entry = response.body as StatusEntry;
      assert.deepEqual(Object.keys(entry).slice(0, SEED_KEYS.length), SEED_KEYS);
      assert.equal(entry.name, name);
      assert.equal(entry.host, '127.0.0.1');
      assert.equal(entry.port, main.port);
      assert.equal(entry.user, main.monitorUser);
      assert.equal(entry.ssh_port, sshd.port);
      assert.equal(entry.stats_db, 'postgres');
      assert.equal(entry.ssh_auth_type, 'password');
      assert.equal(entry.has_password, true);
      assert.equal(entry.has_ssh_password, true);
      assert.equal(entry.has_ssh_private_key, false);
      assert.equal(entry.has_ssh_key_passphrase, false);
      if (passwordUser) assert.equal(entry.status, 'ok', JSON.stringify(entry.ssh_error));
      else assert.equal(entry.status, 'ok (SSH: authentication failed)');
    });

    it('returns 201 for the additions: key auth, pinned host key, database and ssl_mode', async () => {
      const name = uniqueName('crud-key');
      const entry = await admin.created({
        ...sshKeyBody(name),
        ssh_host_key: sshd.hostKeyFingerprint,
        database: 'postgres',
        ssl_mode: 'disable',
      });
      assert.equal(entry.status, 'ok', JSON.stringify(entry));
      assert.equal(entry.ssh_auth_type, 'key');
      assert.equal(entry.ssh_host_key, sshd.hostKeyFingerprint);
      assert.equal(entry.database, 'postgres');
      assert.equal(entry.ssl_mode, 'disable');
      assert.equal(entry.has_ssh_private_key, true);
      assert.equal(entry.has_ssh_password, false);
      assert.ok((entry.free_space ?? 0) > 0, 'disk read over SSH with the key');
    });

    it('returns 201 for an encrypted RSA key with its passphrase', async () => {
      const entry = await admin.created(sshRsaKeyBody(uniqueName('crud-rsa')));
      assert.equal(entry.ssh_auth_type, 'key', 'inferred from the key');
      assert.equal(entry.has_ssh_key_passphrase, true);
      assert.equal(entry.status, 'ok', JSON.stringify(entry));
    });

    it('returns 201 for an operator, and 403 for a viewer (nothing saved)', async () => {
      const byOperator = uniqueName('crud-op');
      await operator.created(monitorBody(byOperator));
      const byViewer = uniqueName('crud-viewer');
      const refused = await viewer.create(monitorBody(byViewer));
      assert.equal(refused.status, 403, refused.text);
      assert.equal((await admin.get(byViewer)).status, 404);
    });

    it('returns 201 for a server that cannot be reached, its status saying why', async () => {
      const entry = await admin.created({
        ...monitorBody(uniqueName('crud-down')),
        port: targets.closedPort,
      });
      assert.equal(entry.status, 'PostgreSQL: connection refused');
    });

    it('returns 201 without unknown fields, which are dropped', async () => {
      const name = uniqueName('crud-extra');
      const response = await admin.create({
        ...monitorBody(name),
        id: 999,
        is_admin: true,
        generation: 77,
        extra: 'dropped',
      });
      assert.equal(response.status, 201, response.text);
      const stored = await admin.entry(name);
      for (const entry of [response.body as Record<string, unknown>, stored]) {
        for (const key of ['id', 'is_admin', 'generation', 'extra']) {
          assert.ok(!(key in entry), `${key} is not echoed`);
        }
      }
    });

    it('returns 201 for a port sent as a numeric string (seed clients send form values)', async () => {
      const entry = await admin.created({
        ...monitorBody(uniqueName('crud-str')),
        port: String(main.port),
      });
      assert.equal(entry.port, main.port);
      assert.equal(entry.status, 'ok');
    });

    it('returns 409 for a duplicate name', async () => {
      const response = await admin.create(monitorBody(editable));
      assert.equal(response.status, 409, response.text);
      assert.match((response.body as { detail: string }).detail, /already exists/);
    });

    const invalid: [string, Record<string, unknown>][] = [
      ['name', { name: 'with space' }],
      ['name', { name: 'n'.repeat(64) }],
      ['name', { name: 'with/slash' }],
      ['name', { name: '' }],
      ['host', { host: 'http://x' }],
      ['host', { host: 'a b' }],
      ['host', { host: 'host:5432' }],
      ['port', { port: 0 }],
      ['port', { port: 70000 }],
      ['port', { port: 'abc' }],
      ['port', { port: 5432.5 }],
      ['ssh_port', { ssh_port: 0 }],
      ['ssh_port', { ssh_port: 70000 }],
      ['ssh_host_key', { ssh_host_key: 'SHA256:tooshort' }],
      ['ssh_host_key', { ssh_host_key: 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' }],
      ['ssh_auth_type', { ssh_auth_type: 'kerberos' }],
      ['ssl_mode', { ssl_mode: 'prefer' }],
      ['ssh_private_key', { ssh_user: keyUser.login, ssh_private_key: NOT_A_KEY }],
      ['ssh_private_key', { ssh_user: keyUser.login, ssh_private_key: GARBLED_KEY }],
      ['ssh_key_passphrase', { ssh_user: keyUser.login, ssh_private_key: keyUser.rsaKey }],
      [
        'ssh_key_passphrase',
        {
          ssh_user: keyUser.login,
          ssh_private_key: keyUser.rsaKey,
          ssh_key_passphrase: WRONG_PASSPHRASE,
        },
      ],
      ['ssh_password', { ssh_user: keyUser.login }],
      ['ssh_private_key', { ssh_user: keyUser.login, ssh_auth_type: 'key', ssh_password: 'x' }],
    ];
    for (const [field, change] of invalid) {
      const shown = JSON.stringify(change).replace(/-----BEGIN[^"]*/, '<key>');
      it(`returns 422 naming ${field} for ${shown.slice(0, 90)}`, async () => {
        const name = uniqueName('crud-bad');
        const response = await admin.create({ ...monitorBody(name), ...change });
        const locations = issueLocations(response);
        assert.ok(locations.includes(`body.${field}`), `locations: ${locations.join(', ')}`);
        const saved = (change.name as string | undefined) ?? name;
        if (saved !== '' && !saved.includes('/'))
          assert.equal((await admin.get(saved)).status, 404);
      });
    }

    it('returns 422 naming every missing required field', async () => {
      const locations = issueLocations(await admin.create({}));
      for (const field of ['name', 'host', 'port', 'user']) {
        assert.ok(locations.includes(`body.${field}`), `locations: ${locations.join(', ')}`);
      }
    });
  });

  describe('GET /servers', () => {
    it('returns every server ordered by name, to a viewer too', async () => {
      const names = (await viewer.list()).map((entry) => entry.name);
      assert.ok(names.includes(editable));
      assert.deepEqual(names, [...names].sort());
      assert.ok(names.length >= 5, `${names.length} servers`);
    });
  });

  describe('GET /servers/{server_name}', () => {
    it('returns the entry to a viewer', async () => {
      const entry = await viewer.entry(editable);
      assert.equal(entry.name, editable);
      assert.deepEqual(Object.keys(entry).slice(0, SEED_KEYS.length), SEED_KEYS);
    });

    it('returns 404 for an unknown name', async () => {
      const response = await viewer.get(uniqueName('crud-none'));
      assert.equal(response.status, 404);
      assert.match((response.body as { detail: string }).detail, /not found/);
    });
  });

  describe('PUT /servers/{server_name}', () => {
    it('returns 403 for a viewer and changes nothing', async () => {
      const before = await admin.entry(editable);
      const response = await viewer.update(editable, { port: targets.closedPort });
      assert.equal(response.status, 403, response.text);
      assert.equal((await admin.entry(editable)).port, before.port);
    });

    it('returns the entry with the password kept when it is sent empty', async () => {
      const entry = await operator.updated(editable, { password: '' });
      assert.equal(entry.has_password, true);
      assert.equal(entry.status, 'ok', JSON.stringify(entry.pg_error));
    });

    it('returns the entry with the password kept when it is omitted', async () => {
      const entry = await operator.updated(editable, { port: main.port, user: main.monitorUser });
      assert.equal(entry.has_password, true);
      assert.equal(entry.status, 'ok', JSON.stringify(entry.pg_error));
    });

    it('returns 200 for the GET entry sent back whole (seed clients), secrets kept', async () => {
      const current = await admin.entry(editable);
      const entry = await admin.updated(editable, { ...current });
      assert.equal(entry.has_password, true);
      assert.equal(entry.status, 'ok');
      assert.equal(entry.name, editable);
    });

    it('returns has_password false once the password is removed with null', async () => {
      const name = uniqueName('crud-nopw');
      await admin.created({ ...monitorBody(name), port: relay.port });
      const entry = await admin.updated(name, { password: null });
      assert.equal(entry.has_password, false);
      assert.ok(entry.status.startsWith('PostgreSQL: '), entry.status);
      assert.doesNotMatch(entry.status, /ok/);
      const restored = await admin.updated(name, { password: main.monitorPassword });
      assert.equal(restored.has_password, true);
      assert.equal(restored.status, 'ok');
    });

    it('returns "PostgreSQL: authentication failed" for a server without a stored password', async () => {
      // The cluster asks for a password (scram-sha-256) and none is stored: that is a failed
      // login, not an unknown error.
      const entry = await admin.created({
        ...monitorBody(uniqueName('crud-nopw')),
        port: relay.port,
        password: null,
      });
      assert.equal(entry.has_password, false);
      assert.equal(
        entry.status,
        'PostgreSQL: authentication failed',
        JSON.stringify(entry.pg_error),
      );
      assert.equal(entry.pg_error?.code, 'authentication_failed');
    });

    it('returns the new SSH settings, removable again with null', async () => {
      const withSsh = await admin.updated(editable, {
        ssh_user: keyUser.login,
        ssh_port: sshd.port,
        ssh_private_key: keyUser.privateKey,
      });
      assert.equal(withSsh.ssh_auth_type, 'key');
      assert.equal(withSsh.has_ssh_private_key, true);
      assert.equal(withSsh.status, 'ok');
      assert.ok((withSsh.free_space ?? 0) > 0);
      const without = await admin.updated(editable, { ssh_user: null, ssh_private_key: null });
      assert.equal(without.has_ssh_private_key, false);
      assert.equal(without.ssh_user, null);
      assert.equal(without.free_space, null);
      assert.equal(without.status, 'ok');
    });

    it('returns 409 for a rename to an existing name', async () => {
      const other = uniqueName('crud-taken');
      await admin.created(monitorBody(other));
      const response = await operator.update(editable, { name: other });
      assert.equal(response.status, 409, response.text);
      assert.match((response.body as { detail: string }).detail, /already exists/);
      assert.equal((await admin.get(editable)).status, 200);
    });

    it('returns the entry under the new name after a rename', async () => {
      const from = uniqueName('crud-from');
      const to = uniqueName('crud-to');
      await admin.created(monitorBody(from));
      const entry = await operator.updated(from, { name: to });
      assert.equal(entry.name, to);
      assert.equal(entry.status, 'ok');
      assert.equal((await admin.get(from)).status, 404);
      assert.equal((await admin.entry(to)).name, to);
      assert.ok(!(await admin.list()).some((server) => server.name === from));
    });

    it('returns 422 naming the field for an invalid value', async () => {
      for (const [field, value] of [
        ['port', 0],
        ['host', 'host:5432'],
        ['name', 'a b'],
        ['ssh_host_key', 'SHA256:x'],
      ] as const) {
        const locations = issueLocations(await admin.update(editable, { [field]: value }));
        assert.deepEqual(locations, [`body.${field}`]);
      }
    });

    it('returns 422 on ssh_key_passphrase for a wrong passphrase of a new key', async () => {
      const locations = issueLocations(
        await admin.update(editable, {
          ssh_user: keyUser.login,
          ssh_private_key: keyUser.rsaKey,
          ssh_key_passphrase: WRONG_PASSPHRASE,
        }),
      );
      assert.deepEqual(locations, ['body.ssh_key_passphrase']);
    });

    it('returns 404 for an unknown name', async () => {
      const response = await admin.update(uniqueName('crud-none'), { port: 5432 });
      assert.equal(response.status, 404, response.text);
    });
  });

  describe('DELETE /servers/{server_name}', () => {
    it('returns 403 for a viewer, and the seed message for an operator', async () => {
      const name = uniqueName('crud-del');
      await admin.created(monitorBody(name));
      assert.equal((await viewer.remove(name)).status, 403);
      assert.equal((await admin.get(name)).status, 200);
      const response = await operator.remove(name);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body, { message: `Server ${name} deleted` });
    });

    it('returns 404 for the deleted name on every route', async () => {
      const name = uniqueName('crud-gone');
      await admin.created(monitorBody(name));
      assert.equal((await admin.remove(name)).status, 200);
      assert.equal((await admin.get(name)).status, 404);
      assert.equal((await admin.update(name, { port: 1 })).status, 404);
      assert.equal((await admin.remove(name)).status, 404);
      assert.equal((await admin.test(name)).status, 404);
      assert.equal((await admin.sessions(name)).status, 404);
      assert.ok(!(await admin.list()).some((server) => server.name === name));
    });
  });

  describe('POST /servers/{server_name}/test', () => {
    it('returns 403 for a viewer and 200 for an operator', async () => {
      assert.equal((await viewer.test(editable)).status, 403);
      const response = await operator.test(editable);
      assert.equal(response.status, 200, response.text);
      assert.equal((response.body as { name: string }).name, editable);
    });

    it('returns 404 for an unknown name', async () => {
      assert.equal((await operator.test(uniqueName('crud-none'))).status, 404);
    });
  });

  describe('GET /server_stats/{server_name}', () => {
    it('returns 404 for an unknown name', async () => {
      const response = await viewer.sessions(uniqueName('crud-none'));
      assert.equal(response.status, 404, response.text);
    });
  });

  // Runs last: covers every response of the tests above.
  describe('responses of this file', () => {
    it('return no secret and no write-only field', () => {
      const checked = recorder.assertNoSecrets(harnessSecrets([WRONG_PASSPHRASE]));
      assert.ok(checked > 60, `${checked} responses checked`);
      for (const recorded of recorder.bodies) {
        if (!recorded.body.startsWith('{') && !recorded.body.startsWith('[')) continue;
        assertNoKeysMatching(JSON.parse(recorded.body), SECRET_KEYS, recorded.request);
      }
    });
  });
});
