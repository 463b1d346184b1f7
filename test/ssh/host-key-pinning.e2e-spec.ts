/**
 * SSH host keys are pinned at the first handshake in which the server proved its key, whatever
 * happens after it: a failed login or a failed disk read still records the key, so that the next
 * attempt refuses another key before any password is sent. A relay that can be switched from the
 * real sshd to a fake one plays the server whose key changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { ServersClient } from '../servers/helpers.js';
import { startFakeSshd, type FakeSshd } from './fake-ssh.js';
import { keyUser, passwordUser, sshd } from './fixtures.js';
import { startTcpCounter, type TcpCounter } from './tcp-counter.js';

const WRONG_PASSWORD = 'pinning-wrong-password-1';

interface CheckBody {
  ssh: { ok: boolean | null; error: { code: string } | null };
}

describe('ServersController', () => {
  let api: TestApi;
  let operator: ServersClient;
  let impostor: FakeSshd;
  let broken: FakeSshd;
  let relay: TcpCounter;

  before(async () => {
    impostor = await startFakeSshd();
    // Accepts any login, then closes every session: no SFTP, no df.
    broken = await startFakeSshd({
      afterLogin: (session) => session.on('sftp', (_a, reject) => reject()),
    });
    relay = await startTcpCounter(sshd.port);
    // No caches: every GET shows what is stored now.
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      SSH_CACHE_TTL: '0',
      STATUS_CACHE_TTL: '0',
    });
    operator = new ServersClient(api, await api.userToken('pinning-operator', 'operator'));
  });

  after(async () => {
    await api?.close();
    await relay?.close();
    await impostor?.close();
    await broken?.close();
  });

  describe('POST /servers/{server_name}/test', () => {
    it('returns the host key recorded after a failed first login, and refuses another key before any password', async () => {
      const name = uniqueName('pin-login');
      const entry = await operator.created({
        ...monitorBody(name),
        ssh_user: passwordUser?.login ?? keyUser.login,
        ssh_password: WRONG_PASSWORD,
        ssh_port: relay.port,
      });
      assert.equal(entry.status, 'ok (SSH: authentication failed)', JSON.stringify(entry));
      assert.equal((await operator.entry(name)).ssh_host_key, sshd.hostKeyFingerprint);

      relay.upstream = impostor.port;
      const check = (await operator.test(name)).body as CheckBody;
      assert.equal(check.ssh.error?.code, 'host_key_changed');
      assert.ok(impostor.connections > 0, 'the impostor was reached');
      assert.deepEqual(impostor.passwords, [], 'no password went to the other key');
    });

    it('returns the host key recorded when the login works and the disk read fails', async () => {
      const name = uniqueName('pin-read');
      const entry = await operator.created({
        ...monitorBody(name),
        ssh_user: 'anyone',
        ssh_password: 'any-password',
        ssh_port: broken.port,
      });
      assert.match(entry.status, /^ok \(SSH: /);
      assert.equal((await operator.entry(name)).ssh_host_key, broken.hostKeyFingerprint);
    });
  });

  describe('PUT /servers/{server_name}', () => {
    it('returns the key of the new place after a move of ssh_port (the old pin is forgotten)', async () => {
      const name = uniqueName('pin-move');
      await operator.created({
        ...monitorBody(name),
        ssh_user: 'anyone',
        ssh_password: 'any-password',
        ssh_port: broken.port,
        ssh_host_key: sshd.hostKeyFingerprint,
      });
      const moved = await operator.updated(name, {
        ssh_port: impostor.port,
        ssh_password: 'sent-again',
      });
      assert.equal(moved.status, 'ok (SSH: authentication failed)');
      assert.equal((await operator.entry(name)).ssh_host_key, impostor.hostKeyFingerprint);
    });
  });
});
