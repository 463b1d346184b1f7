/**
 * Stored credentials cannot be pulled out by redirecting a server: a PUT that changes where a
 * secret would go (PostgreSQL: host, port, user; SSH: host, ssh_port, ssh_user) must send that
 * secret again. Fake PostgreSQL and SSH listeners on loopback record every password they get;
 * pgmon allows clear-text passwords here, so that a leaked PostgreSQL password would show.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations } from '../support/responses.js';
import { monitorBody, sshKeyBody, sshRsaKeyBody } from '../support/server-bodies.js';
import { startFakeSshd, type FakeSshd } from '../ssh/fake-ssh.js';
import { startFakePostgres, type FakePostgres } from './fake-postgres.js';
import { ServersClient, sshd, targets } from './helpers.js';

const { main } = targets.pg;
const { keyUser, passwordUser } = sshd;
const SSH_LOGIN = passwordUser?.login ?? keyUser.login;
const SSH_PASSWORD = passwordUser?.password ?? 'redirect-stored-ssh-password';
const STORED_SECRETS = [main.monitorPassword, SSH_PASSWORD];

describe('ServersController', () => {
  let api: TestApi;
  let operator: ServersClient;
  let fakePg: FakePostgres;
  let fakeSsh: FakeSshd;

  /** A server on the main cluster with SSH by password on the harness's sshd. */
  async function passwordServer(): Promise<string> {
    const name = uniqueName('redirect');
    await operator.created({
      ...monitorBody(name),
      ssh_user: SSH_LOGIN,
      ssh_password: SSH_PASSWORD,
      ssh_port: sshd.port,
    });
    return name;
  }

  async function locationsOf(name: string, change: Record<string, unknown>): Promise<string[]> {
    return issueLocations(await operator.update(name, change)).sort();
  }

  before(async () => {
    fakePg = await startFakePostgres('cleartext');
    fakeSsh = await startFakeSshd();
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      ALLOW_CLEARTEXT_PASSWORD: 'true',
      STATUS_DEADLINE_MS: '2000',
    });
    operator = new ServersClient(api, await api.userToken('redirect-operator', 'operator'));
  });

  after(async () => {
    await api?.close();
    await fakePg?.close();
    await fakeSsh?.close();
  });

  describe('PUT /servers/{server_name}', () => {
    it('returns 422 naming password for a new port without it, and /test sends nothing there', async () => {
      const name = await passwordServer();
      assert.deepEqual(await locationsOf(name, { port: fakePg.port }), ['body.password']);
      const check = await operator.test(name);
      assert.equal(check.status, 200, check.text);
      assert.equal(fakePg.connections, 0, 'the fake listener was never contacted');
      assert.equal((await operator.entry(name)).port, main.port);
    });

    it('returns 422 naming password for a new user without it', async () => {
      const name = await passwordServer();
      assert.deepEqual(await locationsOf(name, { user: main.superuser }), ['body.password']);
    });

    it('returns 422 naming password and ssh_password for a new host without them', async () => {
      const name = await passwordServer();
      assert.deepEqual(await locationsOf(name, { host: 'localhost' }), [
        'body.password',
        'body.ssh_password',
      ]);
      assert.deepEqual(await locationsOf(name, { host: 'localhost', password: 'x' }), [
        'body.ssh_password',
      ]);
    });

    it('returns 422 naming ssh_password for a new SSH port or user without it, and /test sends nothing there', async () => {
      const name = await passwordServer();
      assert.deepEqual(await locationsOf(name, { ssh_port: fakeSsh.port }), ['body.ssh_password']);
      assert.deepEqual(await locationsOf(name, { ssh_user: 'someone-else' }), [
        'body.ssh_password',
      ]);
      assert.equal((await operator.test(name)).status, 200);
      assert.equal(fakeSsh.connections, 0, 'the fake SSH server was never contacted');
    });

    it('returns 422 naming ssh_private_key for a key-auth server moved without its key', async () => {
      const name = uniqueName('redirect-key');
      await operator.created(sshKeyBody(name));
      assert.deepEqual(await locationsOf(name, { ssh_port: fakeSsh.port }), [
        'body.ssh_private_key',
      ]);
    });

    it('returns 422 naming ssh_key_passphrase for a moved key sent without its passphrase', async () => {
      const name = uniqueName('redirect-rsa');
      await operator.created(sshRsaKeyBody(name));
      const change = { ssh_port: fakeSsh.port, ssh_private_key: keyUser.rsaKey };
      assert.deepEqual(await locationsOf(name, change), ['body.ssh_key_passphrase']);
      const moved = await operator.updated(name, {
        ...change,
        ssh_key_passphrase: keyUser.rsaPassphrase,
      });
      assert.equal(moved.has_ssh_key_passphrase, true);
    });

    it('returns 200 for a move with the secrets sent again; the new place gets only those', async () => {
      const name = await passwordServer();
      await operator.updated(name, { ssh_port: fakeSsh.port, ssh_password: 'sent-again-ssh' });
      assert.equal((await operator.test(name)).status, 200);
      assert.ok(fakeSsh.passwords.length > 0, 'the fake SSH server was asked');
      assert.deepEqual(new Set(fakeSsh.passwords), new Set(['sent-again-ssh']));

      const entry = await operator.updated(name, { port: fakePg.port, password: 'sent-again-pg' });
      assert.equal(entry.port, fakePg.port);
      assert.equal((await operator.test(name)).status, 200);
      assert.ok(fakePg.passwords.length > 0, 'the fake PostgreSQL server was asked');
      assert.deepEqual(new Set(fakePg.passwords), new Set(['sent-again-pg']));
    });

    it('returns 200 for a move that removes the password, or keeps host, port and user as they are', async () => {
      const name = await passwordServer();
      const current = await operator.entry(name);
      await operator.updated(name, { ...current });
      await operator.updated(name, { host: current.host, port: current.port, user: current.user });
      const moved = await operator.updated(name, { port: targets.closedPort, password: null });
      assert.equal(moved.has_password, false);
    });

    it('returns the other stored SSH secrets removed after a move, so a later switch cannot use them', async () => {
      const name = uniqueName('redirect-both');
      await operator.created({ ...sshKeyBody(name), ssh_password: SSH_PASSWORD });
      const moved = await operator.updated(name, {
        ssh_port: fakeSsh.port,
        ssh_private_key: keyUser.privateKey,
      });
      assert.equal(moved.has_ssh_private_key, true);
      assert.equal(moved.has_ssh_password, false, 'the password was given for the old place');
      assert.deepEqual(await locationsOf(name, { ssh_auth_type: 'password' }), [
        'body.ssh_password',
      ]);
    });

    it('never let a stored secret reach a fake listener', () => {
      for (const secret of STORED_SECRETS) {
        assert.ok(!fakePg.passwords.includes(secret), 'no stored PostgreSQL password');
        assert.ok(!fakeSsh.passwords.includes(secret), 'no stored SSH password');
      }
    });
  });
});
