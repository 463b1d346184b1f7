/**
 * Live status entries against the real targets: the seed's status strings, the numbers, SSH
 * host key pinning, configuration changes taking effect at once, POST /servers/{name}/test
 * and the health route's pool figures.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ed25519KeyPairSync } from '#ssh-keys';
import { startTestApi, type TestApi } from '../support/api.js';
import { adminQuery } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { isIsoTimestamp, ResponseRecorder } from '../support/responses.js';
import { monitorBody, sshKeyBody } from '../support/server-bodies.js';
import { timed } from '../support/timing.js';
import {
  harnessSecrets,
  hasAtMostTwoDecimals,
  SEED_KEYS,
  ServersClient,
  sshd,
  targets,
  type StatusEntry,
} from './helpers.js';

const DEADLINE_MS = 1500;
const CACHE_TTL_S = 2;
const WRONG_PG_PASSWORD = 'status-wrong-pg-password-1234';
const WRONG_SSH_PASSWORD = 'status-wrong-ssh-password-5678';
/** A key sshd has never heard of. */
const STRANGER_KEY = ed25519KeyPairSync().private;
/** Right shape, wrong key. */
const WRONG_HOST_KEY = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

interface CheckView {
  name: string;
  status: string;
  postgres: {
    ok: boolean;
    latency_ms: number;
    version: string | null;
    pg_monitor: boolean | null;
    data_directory: string | null;
    error: { code: string; message: string } | null;
    hints: string[];
  };
  ssh: {
    configured: boolean;
    ok: boolean | null;
    host_key: string | null;
    free_space: number | null;
    total_space: number | null;
    error: { code: string; message: string } | null;
  };
  checked_at: string;
}

/** An error status: "PostgreSQL: <reason>", never containing "ok". */
function assertErrorStatus(entry: StatusEntry, expected: string, code: string): void {
  assert.equal(entry.status, expected, JSON.stringify(entry.pg_error));
  assert.doesNotMatch(entry.status, /ok/);
  assert.equal(entry.pg_error?.code, code);
  assert.equal(entry.version, null);
  assert.equal(entry.connections, null);
  assert.equal(entry.free_space, null);
}

describe('ServersController', () => {
  let api: TestApi;
  let admin: ServersClient;
  const recorder = new ResponseRecorder();
  const { main } = targets.pg;

  /** The servers row as stored (the app keeps the file open in WAL mode; we only read). */
  function storedRow(name: string): Record<string, unknown> {
    const db = new Database(path.join(api.dataDir, 'pgmon.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const row = db.prepare('select * from servers where name = ?').get(name);
      assert.ok(row, `row of ${name}`);
      return row as Record<string, unknown>;
    } finally {
      db.close();
    }
  }

  before(async () => {
    api = await startTestApi({
      STATUS_DEADLINE_MS: String(DEADLINE_MS),
      // Longer than the deadline: the status deadline, not the driver, must end the wait.
      PG_CONNECT_TIMEOUT_MS: '4000',
      STATUS_CACHE_TTL: String(CACHE_TTL_S),
    });
    recorder.attach(api);
    admin = new ServersClient(api, await api.adminToken());
  });

  after(async () => {
    await api?.close();
  });

  describe('GET /servers/{server_name}', () => {
    it('returns ok with the version, connections, uptime and disk of the cluster', async () => {
      const name = uniqueName('status-ok');
      await admin.created(sshKeyBody(name));
      const entry = await admin.entry(name);
      assert.deepEqual(Object.keys(entry).slice(0, SEED_KEYS.length), SEED_KEYS);
      assert.equal(entry.status, 'ok', JSON.stringify(entry));
      assert.equal(entry.pg_error, null);
      assert.equal(entry.ssh_error, null);
      const settings = await adminQuery<{ version: string; num: string; hours: number }>(
        main,
        `select current_setting('server_version') as version,
                current_setting('server_version_num') as num,
                extract(epoch from now() - pg_postmaster_start_time())::float8 / 3600 as hours`,
      );
      const expected = settings.rows[0];
      assert.ok(expected);
      assert.equal(entry.version, expected.version);
      assert.equal(entry.version_num, Number(expected.num));
      assert.equal(typeof entry.uptime_hours, 'number');
      assert.ok(hasAtMostTwoDecimals(entry.uptime_hours ?? -1), `${entry.uptime_hours}`);
      assert.ok(Math.abs((entry.uptime_hours ?? -1) - expected.hours) < 0.02);
      const connections = entry.connections ?? {};
      assert.deepEqual(Object.keys(connections).slice(0, 2), ['active', 'idle']);
      for (const count of Object.values(connections)) assert.ok(Number.isInteger(count));
      assert.ok((connections.active ?? 0) >= 1, 'the status query itself is active');
      assert.equal(entry.data_directory, main.dataDir);
      assert.equal(typeof entry.free_space, 'number');
      assert.equal(typeof entry.total_space, 'number');
      assert.ok((entry.free_space ?? 0) > 0);
      assert.ok((entry.total_space ?? 0) >= (entry.free_space ?? 0));
      assert.ok(isIsoTimestamp(entry.checked_at), entry.checked_at);
      assert.ok(isIsoTimestamp(entry.disk_checked_at), String(entry.disk_checked_at));
      assert.ok(Math.abs(Date.parse(entry.checked_at) - Date.now()) < 60_000);
    });

    it('returns plain ok and null disk figures without SSH', async () => {
      const entry = await admin.created(monitorBody(uniqueName('status-nossh')));
      assert.equal(entry.status, 'ok');
      assert.equal(entry.free_space, null);
      assert.equal(entry.total_space, null);
      assert.equal(entry.ssh_error, null);
      assert.equal(entry.disk_checked_at, null);
    });

    it('returns "PostgreSQL: authentication failed" for a wrong password', async () => {
      const entry = await admin.created({
        ...monitorBody(uniqueName('status-badpw')),
        password: WRONG_PG_PASSWORD,
      });
      assertErrorStatus(entry, 'PostgreSQL: authentication failed', 'authentication_failed');
      assert.match(entry.pg_error?.message ?? '', /pgmon_monitor/);
    });

    it('returns "PostgreSQL: connection refused" for a closed port', async () => {
      const entry = await admin.created({
        ...monitorBody(uniqueName('status-closed')),
        port: targets.closedPort,
      });
      assertErrorStatus(entry, 'PostgreSQL: connection refused', 'connection_refused');
    });

    it('returns "PostgreSQL: timeout" for a silent listener within the deadline', async (t) => {
      const name = uniqueName('status-silent');
      const created = await timed(() =>
        admin.created({ ...monitorBody(name), port: targets.silentPort }),
      );
      assertErrorStatus(created.value, 'PostgreSQL: timeout', 'timeout');
      assert.ok(created.ms < DEADLINE_MS + 1500, `POST answered after ${created.ms} ms`);
      assert.ok(created.ms >= DEADLINE_MS - 100, `POST answered after ${created.ms} ms`);
      // Once the cached entry expired, a GET reads again under the same deadline.
      await sleep(CACHE_TTL_S * 1000 + 200);
      const read = await timed(() => admin.entry(name));
      t.diagnostic(`POST ${created.ms.toFixed(0)} ms, cold GET ${read.ms.toFixed(0)} ms`);
      assertErrorStatus(read.value, 'PostgreSQL: timeout', 'timeout');
      assert.notEqual(read.value.checked_at, created.value.checked_at, 'read again');
      assert.ok(read.ms < DEADLINE_MS + 1500, `GET answered after ${read.ms} ms`);
    });

    it('returns "ok (SSH: authentication failed)" for a wrong SSH password', async (t) => {
      if (!sshd.passwordUser) {
        t.skip('no SSH password user: the tests do not run as root');
        return;
      }
      const entry = await admin.created({
        ...monitorBody(uniqueName('status-sshpw')),
        ssh_user: sshd.passwordUser.login,
        ssh_password: WRONG_SSH_PASSWORD,
        ssh_port: sshd.port,
      });
      assert.equal(entry.status, 'ok (SSH: authentication failed)');
      assert.equal(entry.ssh_error?.code, 'authentication_failed');
      assert.equal(entry.free_space, null);
      assert.equal(entry.total_space, null);
      assert.ok(entry.version, 'PostgreSQL answered');
    });

    it('returns "ok (SSH: authentication failed)" for a key sshd does not accept', async () => {
      const entry = await admin.created({
        ...sshKeyBody(uniqueName('status-sshkey')),
        ssh_private_key: STRANGER_KEY,
      });
      assert.equal(entry.status, 'ok (SSH: authentication failed)');
      assert.equal(entry.ssh_error?.code, 'authentication_failed');
      assert.equal(entry.free_space, null);
    });
  });

  describe('SSH host keys', () => {
    it('returns and records the host key seen at first contact', async () => {
      const name = uniqueName('status-tofu');
      const created = await admin.created(sshKeyBody(name));
      assert.equal(created.status, 'ok');
      assert.equal(created.ssh_host_key, sshd.hostKeyFingerprint);
      assert.equal(storedRow(name).ssh_host_key, sshd.hostKeyFingerprint);
      assert.equal((await admin.entry(name)).ssh_host_key, sshd.hostKeyFingerprint);
    });

    it('returns "ok (SSH: host key changed)" for a server pinned to another key', async () => {
      const name = uniqueName('status-pinned');
      const entry = await admin.created({ ...sshKeyBody(name), ssh_host_key: WRONG_HOST_KEY });
      assert.equal(entry.status, 'ok (SSH: host key changed)');
      assert.equal(entry.ssh_error?.code, 'host_key_changed');
      assert.equal(entry.free_space, null);
      assert.equal(entry.total_space, null);
      assert.equal(entry.ssh_host_key, WRONG_HOST_KEY, 'the pinned key is kept');
      assert.equal(storedRow(name).ssh_host_key, WRONG_HOST_KEY, 'never silently replaced');
      const test = await admin.test(name);
      assert.equal((test.body as CheckView).ssh.error?.code, 'host_key_changed');
    });

    it('returns ok and records the real key again after PUT ssh_host_key null', async () => {
      const name = uniqueName('status-repin');
      await admin.created({ ...sshKeyBody(name), ssh_host_key: WRONG_HOST_KEY });
      const entry = await admin.updated(name, { ssh_host_key: null });
      assert.equal(entry.status, 'ok', JSON.stringify(entry.ssh_error));
      assert.equal(entry.ssh_host_key, sshd.hostKeyFingerprint);
      assert.ok((entry.free_space ?? 0) > 0);
      assert.equal(storedRow(name).ssh_host_key, sshd.hostKeyFingerprint);
    });
  });

  describe('PUT /servers/{server_name}', () => {
    it('returns the new status at once, and drops the pools of the old config', async () => {
      const name = uniqueName('status-move');
      assert.equal((await admin.created(monitorBody(name))).status, 'ok');
      assert.equal((await admin.entry(name)).status, 'ok', 'cached ok');
      const before = await admin.poolsOf(name);
      assert.ok(
        before.some(([key]) => key.startsWith(`127.0.0.1:${main.port}:`)),
        JSON.stringify(before),
      );
      // A new port needs the password again (it would go to a new place).
      const password = main.monitorPassword;
      const updated = await admin.updated(name, { port: targets.closedPort, password });
      assert.equal(updated.status, 'PostgreSQL: connection refused');
      assert.equal((await admin.entry(name)).status, 'PostgreSQL: connection refused');
      const listed = (await admin.list()).find((entry) => entry.name === name);
      assert.equal(listed?.status, 'PostgreSQL: connection refused');
      const after = await admin.poolsOf(name);
      assert.ok(
        !after.some(([key]) => key.startsWith(`127.0.0.1:${main.port}:`)),
        `old pool still listed: ${JSON.stringify(after)}`,
      );
      const back = await admin.updated(name, { port: main.port, password });
      assert.equal(back.status, 'ok');
      assert.equal((await admin.entry(name)).status, 'ok');
      assert.ok(
        !(await admin.poolsOf(name)).some(([key]) => key.includes(`:${targets.closedPort}:`)),
      );
    });
  });

  describe('DELETE /servers/{server_name}', () => {
    it('closes the pools of the server', async () => {
      const name = uniqueName('status-del');
      await admin.created(monitorBody(name));
      assert.ok((await admin.poolsOf(name)).length > 0);
      assert.equal((await admin.remove(name)).status, 200);
      assert.deepEqual(await admin.poolsOf(name), []);
    });
  });

  describe('POST /servers/{server_name}/test', () => {
    it('returns postgres ok with pg_monitor, and ssh ok with the host key', async () => {
      const name = uniqueName('status-test');
      await admin.created(sshKeyBody(name));
      const response = await admin.test(name);
      assert.equal(response.status, 200, response.text);
      const check = response.body as CheckView;
      assert.equal(check.name, name);
      assert.equal(check.status, 'ok');
      assert.equal(check.postgres.ok, true);
      assert.equal(check.postgres.pg_monitor, true);
      assert.equal(check.postgres.error, null);
      assert.deepEqual(check.postgres.hints, []);
      assert.equal(check.postgres.data_directory, main.dataDir);
      assert.match(check.postgres.version ?? '', /^15\./);
      assert.equal(check.ssh.configured, true);
      assert.equal(check.ssh.ok, true);
      assert.equal(check.ssh.host_key, sshd.hostKeyFingerprint);
      assert.ok((check.ssh.free_space ?? 0) > 0);
      assert.ok(isIsoTimestamp(check.checked_at));
    });

    it('returns authentication_failed with a hint for a wrong password', async () => {
      const name = uniqueName('status-testpw');
      await admin.created({ ...monitorBody(name), password: WRONG_PG_PASSWORD });
      const check = (await admin.test(name)).body as CheckView;
      assert.equal(check.status, 'PostgreSQL: authentication failed');
      assert.equal(check.postgres.ok, false);
      assert.equal(check.postgres.error?.code, 'authentication_failed');
      assert.ok(check.postgres.hints.length > 0);
      assert.match(check.postgres.hints.join(' '), /password/);
      assert.equal(check.ssh.configured, false);
    });

    it('returns connection_refused for a closed port', async () => {
      const name = uniqueName('status-testclosed');
      await admin.created({ ...monitorBody(name), port: targets.closedPort });
      const check = (await admin.test(name)).body as CheckView;
      assert.equal(check.status, 'PostgreSQL: connection refused');
      assert.equal(check.postgres.ok, false);
      assert.equal(check.postgres.error?.code, 'connection_refused');
      assert.ok(check.postgres.hints.length > 0);
    });

    it('returns authentication_failed for SSH with a key sshd does not accept', async () => {
      const name = uniqueName('status-testkey');
      await admin.created({ ...sshKeyBody(name), ssh_private_key: STRANGER_KEY });
      const check = (await admin.test(name)).body as CheckView;
      assert.equal(check.postgres.ok, true);
      assert.equal(check.ssh.ok, false);
      assert.equal(check.ssh.error?.code, 'authentication_failed');
      assert.equal(check.status, 'ok (SSH: authentication failed)');
    });
  });

  describe('GET /api/health', () => {
    it('returns pools_count equal to the pools listed, and an up pools check', async () => {
      const health = await api.http.get('/api/health');
      assert.equal(health.status, 200, health.text);
      const body = health.body as {
        pools_count: number;
        checks: { pools: { status: string; pools: number } };
      };
      const pools = await admin.pools();
      assert.ok(Object.keys(pools).length > 0);
      assert.equal(body.pools_count, Object.keys(pools).length);
      assert.equal(body.checks.pools.status, 'up');
      assert.equal(body.checks.pools.pools, body.pools_count);
    });
  });

  // Runs last: covers every response of the tests above.
  describe('responses of this file', () => {
    it('return no secret', () => {
      const checked = recorder.assertNoSecrets(
        harnessSecrets([WRONG_PG_PASSWORD, WRONG_SSH_PASSWORD, STRANGER_KEY]),
      );
      assert.ok(checked > 25, `${checked} responses checked`);
    });
  });
});
