/**
 * Strict server bodies and query numbers: null or a wrong type in any field is 422, never a 500
 * from the store; PUT validates every field as POST does; ports and numbers are JSON integers or
 * plain decimal strings; server names start with a letter or digit and are unique regardless of
 * case, while lookups stay exact-case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations, ResponseRecorder } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { harnessSecrets, ServersClient, sshd, targets } from './helpers.js';

/** Values that are not a port, whatever the field: only 5432 and "5432" are. */
const NOT_A_NUMBER: unknown[] = [
  true,
  false,
  null,
  '0x1538',
  '1e3',
  ' 5432',
  '5432 ',
  '+5432',
  '5432.0',
  5432.5,
  '',
  [5432],
  { port: 5432 },
];

/** Fields of a server and values of the wrong type for each. */
const WRONG_TYPES: [string, unknown[]][] = [
  ['name', [null, 42, true, ['a'], { a: 1 }]],
  ['host', [null, 42, true, ['localhost'], { host: 'x' }]],
  ['port', NOT_A_NUMBER],
  ['user', [null, 42, false, ['pgmon'], { user: 'x' }]],
  ['ssh_port', NOT_A_NUMBER],
  ['database', [null, 42, true, ['postgres']]],
  ['ssl_mode', [null, 42, true, ['disable']]],
  ['ssh_auth_type', [null, 1, true, ['key']]],
  ['password', [42, true, ['x'], { a: 1 }]],
  ['ssh_password', [42, true, ['x']]],
  ['ssh_user', [42, true, ['root']]],
  ['stats_db', [42, true, ['x']]],
  ['ssh_host_key', [42, true, ['x']]],
  ['ssh_private_key', [42, true, ['x']]],
  ['ssh_key_passphrase', [42, true, ['x']]],
];

const INVALID_NAMES = ['.', '..', '-', '_', '.hidden', '-db', '_db', 'a b', 'n'.repeat(64)];

describe('ServersController', () => {
  let api: TestApi;
  let admin: ServersClient;
  const recorder = new ResponseRecorder();
  const { main } = targets.pg;
  const editable = uniqueName('input-edit');

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', STATUS_DEADLINE_MS: '2000' });
    recorder.attach(api);
    admin = new ServersClient(api, await api.adminToken());
    await admin.created(monitorBody(editable));
  });

  after(async () => {
    await api?.close();
  });

  describe('POST /servers', () => {
    for (const [field, values] of WRONG_TYPES) {
      it(`returns 422 naming ${field} for null or a wrong type`, async () => {
        for (const value of values) {
          const name = uniqueName('input-bad');
          const body = { ...monitorBody(name), [field]: value };
          const response = await admin.create(body);
          assert.deepEqual(issueLocations(response), [`body.${field}`], JSON.stringify(value));
          if (field !== 'name') assert.equal((await admin.get(name)).status, 404);
        }
      });
    }

    it('returns 201 for a port as a JSON integer and as a decimal string', async () => {
      for (const port of [main.port, String(main.port), `0${main.port}`]) {
        const entry = await admin.created({ ...monitorBody(uniqueName('input-port')), port });
        assert.equal(entry.port, main.port);
      }
    });

    for (const name of INVALID_NAMES) {
      it(`returns 422 naming name for ${JSON.stringify(name.slice(0, 20))}`, async () => {
        const response = await admin.create(monitorBody(name));
        assert.deepEqual(issueLocations(response), ['body.name']);
      });
    }

    it('returns 201 for names starting with a letter or a digit, with dots, dashes, underscores', async () => {
      const suffix = uniqueName('x');
      for (const name of [`A.b_c-${suffix}`, `9db-${suffix}`, `z${'.'.repeat(10)}${suffix}`]) {
        const entry = await admin.created(monitorBody(name));
        assert.equal(entry.name, name);
        assert.equal((await admin.entry(name)).name, name);
      }
    });

    it('returns 409 for a name that differs from an existing one only in case', async () => {
      const name = uniqueName('Input-Case');
      await admin.created(monitorBody(name));
      for (const variant of [name.toLowerCase(), name.toUpperCase()]) {
        const response = await admin.create(monitorBody(variant));
        assert.equal(response.status, 409, response.text);
        assert.match((response.body as { detail: string }).detail, /already exists/);
        assert.match((response.body as { detail: string }).detail, new RegExp(name));
      }
    });
  });

  describe('GET /servers/{server_name}', () => {
    it('returns 404 for another case of an existing name (lookups are exact-case)', async () => {
      const name = uniqueName('Input-Exact');
      await admin.created(monitorBody(name));
      assert.equal((await admin.get(name)).status, 200);
      assert.equal((await admin.get(name.toLowerCase())).status, 404);
    });
  });

  describe('PUT /servers/{server_name}', () => {
    for (const [field, values] of WRONG_TYPES) {
      it(`returns 422 naming ${field} for null or a wrong type, and changes nothing`, async () => {
        const before = await admin.entry(editable);
        for (const value of values) {
          const response = await admin.update(editable, { [field]: value });
          assert.deepEqual(issueLocations(response), [`body.${field}`], JSON.stringify(value));
        }
        const after = await admin.entry(editable);
        assert.equal(after.updated_at, before.updated_at, 'nothing was saved');
      });
    }

    it('returns 422 for the SSH fields POST refuses', async () => {
      for (const [field, change] of [
        ['ssh_port', { ssh_port: 0 }],
        ['ssh_port', { ssh_port: 70000 }],
        ['ssh_private_key', { ssh_user: sshd.keyUser.login, ssh_private_key: 'not a key' }],
        ['ssh_password', { ssh_user: sshd.keyUser.login }],
        ['ssh_host_key', { ssh_host_key: 'SHA256:short' }],
        ['ssh_auth_type', { ssh_auth_type: 'kerberos' }],
        ['ssh_user', { ssh_user: 'bad user', ssh_password: 'x' }],
      ] as const) {
        const response = await admin.update(editable, change);
        assert.ok(
          issueLocations(response).includes(`body.${field}`),
          `${JSON.stringify(change)}: ${response.text}`,
        );
      }
    });

    for (const name of INVALID_NAMES) {
      it(`returns 422 naming name for a rename to ${JSON.stringify(name.slice(0, 20))}`, async () => {
        assert.deepEqual(issueLocations(await admin.update(editable, { name })), ['body.name']);
      });
    }

    it('returns 409 for a rename to another server’s name in another case', async () => {
      const other = uniqueName('Input-Other');
      await admin.created(monitorBody(other));
      const response = await admin.update(editable, { name: other.toUpperCase() });
      assert.equal(response.status, 409, response.text);
      assert.equal((await admin.get(editable)).status, 200);
    });

    it('returns the entry for a rename of a server to another case of its own name', async () => {
      const name = uniqueName('input-self');
      await admin.created(monitorBody(name));
      const entry = await admin.updated(name, { name: name.toUpperCase() });
      assert.equal(entry.name, name.toUpperCase());
      assert.equal((await admin.get(name)).status, 404);
    });
  });

  describe('GET /server_stats/{server_name}', () => {
    for (const query of [
      'min_duration_ms=1e20',
      'min_duration_ms=100000000000000000000',
      'min_duration_ms=1e3',
      'min_duration_ms=0x10',
      'min_duration_ms=true',
      'min_duration_ms=%205',
      'min_duration_ms=1&min_duration_ms=2',
      'limit=1e3',
      'limit=0x10',
      'limit=99999999999999999999',
      'limit=5001',
      'limit=',
    ]) {
      it(`returns 422 for ${query}`, async () => {
        const response = await admin.sessions(editable, query);
        const field = query.slice(0, query.indexOf('='));
        assert.deepEqual(issueLocations(response), [`query.${field}`]);
      });
    }

    it('returns 200 for decimal numbers in range', async () => {
      const response = await admin.sessions(editable, 'min_duration_ms=0&limit=10');
      assert.equal(response.status, 200, response.text);
    });
  });

  describe('responses of this file', () => {
    it('are never a 500 and hold no secret', () => {
      assert.ok(recorder.assertNoSecrets(harnessSecrets()) > 100);
      const failed = recorder.bodies.filter((recorded) => recorded.status >= 500);
      assert.deepEqual(failed, []);
    });
  });
});
