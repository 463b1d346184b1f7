/**
 * The upstream web UI's test buttons against real targets: POST /api/servers/{name}/test-pg
 * and /test-ssh answer `{"success", "message"}` (and test-ssh its `auth_type`), a failure being
 * a 200 that says why; unknown servers are 404 and viewers 403, as for /test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { assertNoSecretIn } from '../support/responses.js';
import { harnessSecrets, sshd, targets } from './helpers.js';

interface TestAnswer {
  success: boolean;
  message: string;
  auth_type?: string;
}

describe('ServerTestsController', () => {
  let api: TestApi;
  let operator: { Authorization: string };
  const { main } = targets.pg;

  before(async () => {
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      PG_CONNECT_TIMEOUT_MS: '1000',
      STATUS_CACHE_TTL: '0',
    });
    operator = bearer(await api.userToken('tests-operator', 'operator'));
  });

  after(async () => {
    await api?.close();
  });

  async function server(extra: Record<string, unknown> = {}): Promise<string> {
    const name = uniqueName('btn');
    const response = await api.http
      .post('/servers')
      .set(operator)
      .send(monitorBody(name, main, extra));
    assert.equal(response.status, 201, response.text);
    return name;
  }

  async function press(name: string, button: 'test-pg' | 'test-ssh'): Promise<TestAnswer> {
    const response: Response = await api.http.post(`/api/servers/${name}/${button}`).set(operator);
    assert.equal(response.status, 200, response.text);
    assertNoSecretIn(response.text, harnessSecrets(), button);
    const answer = response.body as TestAnswer;
    assert.equal(typeof answer.success, 'boolean');
    assert.equal(typeof answer.message, 'string');
    return answer;
  }

  describe('POST /api/servers/{server_name}/test-pg', () => {
    it('returns success with the version and sessions of a server that answers', async () => {
      const answer = await press(await server(), 'test-pg');
      assert.equal(answer.success, true, answer.message);
      assert.match(
        answer.message,
        /^PostgreSQL 15\.\d+\b[^:]*: \d+ active \/ \d+ idle connections \(\d+ ms\)\./,
      );
    });

    it('returns no success and what to fix for a port where nothing listens', async () => {
      const answer = await press(await server({ port: targets.closedPort }), 'test-pg');
      assert.equal(answer.success, false);
      assert.match(answer.message, /listen_addresses/, answer.message);
    });

    it('returns no success for a wrong password, naming no password', async () => {
      const answer = await press(await server({ password: 'not-the-password' }), 'test-pg');
      assert.equal(answer.success, false);
      assert.match(answer.message, /password/i);
      assert.ok(!answer.message.includes('not-the-password'));
    });
  });

  describe('POST /api/servers/{server_name}/test-ssh', () => {
    it('returns success for the key user with PostgreSQL down, recording the host key', async () => {
      // PostgreSQL does not answer, so the status read of the creation never reached SSH.
      const name = await server({
        port: targets.closedPort,
        ssh_user: sshd.keyUser.login,
        ssh_port: sshd.port,
        ssh_private_key: sshd.keyUser.privateKey,
      });
      const answer = await press(name, 'test-ssh');
      assert.equal(answer.success, true, answer.message);
      assert.equal(answer.auth_type, 'key');
      assert.ok(answer.message.includes(`${sshd.keyUser.login}@127.0.0.1:${sshd.port}`));
      assert.ok(answer.message.includes(`host key ${sshd.hostKeyFingerprint} recorded`));
      const entry = await api.http.get(`/servers/${name}`).set(operator);
      assert.equal((entry.body as { ssh_host_key: string }).ssh_host_key, sshd.hostKeyFingerprint);
      assert.doesNotMatch((await press(name, 'test-ssh')).message, /recorded/, 'pinned once');
    });

    it('returns success for the password user (root only: the harness has one then)', async (t) => {
      if (!sshd.passwordUser) return t.skip('no SSH password user when not running as root');
      const answer = await press(
        await server({
          ssh_user: sshd.passwordUser.login,
          ssh_password: sshd.passwordUser.password,
          ssh_port: sshd.port,
        }),
        'test-ssh',
      );
      assert.deepEqual([answer.success, answer.auth_type], [true, 'password'], answer.message);
    });

    it('returns no success for a key the host does not accept', async () => {
      const answer = await press(
        await server({
          ssh_user: sshd.keyUser.login,
          ssh_port: sshd.port,
          ssh_private_key: sshd.keyUser.rsaKey,
          ssh_key_passphrase: sshd.keyUser.rsaPassphrase,
          ssh_host_key: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
        }),
        'test-ssh',
      );
      assert.equal(answer.success, false);
      assert.match(answer.message, /host key/i, answer.message);
    });

    it('returns no success and says so for a server without SSH', async () => {
      const answer = await press(await server(), 'test-ssh');
      assert.deepEqual([answer.success, answer.auth_type], [false, 'password']);
      assert.match(answer.message, /not configured/);
    });
  });

  describe('both buttons', () => {
    it('answer 404 for an unknown server and 403 for a viewer', async () => {
      const viewer = bearer(await api.userToken('tests-viewer', 'viewer'));
      const name = await server();
      for (const button of ['test-pg', 'test-ssh']) {
        const unknown = await api.http.post(`/api/servers/nobody-here/${button}`).set(operator);
        assert.equal(unknown.status, 404);
        assert.deepEqual(unknown.body, { detail: 'Server nobody-here not found' });
        const refused = await api.http.post(`/api/servers/${name}/${button}`).set(viewer);
        assert.equal(refused.status, 403);
      }
    });
  });
});
