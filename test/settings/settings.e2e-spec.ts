/**
 * GET/PUT /api/settings against the real app: values from the environment until an admin sets
 * them, validation, roles, audit, and a change taking effect without a restart in this
 * process, in another API process on the same store (with and without Redis), and in a
 * separate collector process.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TaskScheduler } from '#collector';
import { ServersService } from '#servers';
import { StoreService } from '#store';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';

interface Setting {
  key: string;
  value: string;
  value_type: string;
  description: string;
  updated_at: string | null;
  updated_by: string | null;
  source: string;
  default: number;
  min: number;
  max: number;
  unit: string;
  env: string;
}
type Settings = Record<string, Setting>;

const KEYS = [
  'checks_interval',
  'collect_interval',
  'history_retention_days',
  'logs_retention_days',
  'size_update_interval',
];
const COLLECTOR_MAIN = fileURLToPath(new URL('../../apps/collector/src/main.js', import.meta.url));

describe('SettingsController', () => {
  const targets = readTargets();
  let api: TestApi;
  let admin: { Authorization: string };
  let viewer: { Authorization: string };

  before(async () => {
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      COLLECT_INTERVAL: '3600',
      CHECKS_INTERVAL: '600',
    });
    admin = bearer(await api.adminToken());
    viewer = bearer(await api.userToken('settings-viewer', 'viewer'));
  });

  after(async () => {
    await api?.close();
  });

  async function settingsOf(app: TestApi, auth = admin): Promise<Settings> {
    const response = await app.http.get('/api/settings').set(auth);
    assert.equal(response.status, 200, response.text);
    return response.body as Settings;
  }

  function put(body: unknown, auth = admin, app = api) {
    return app.http
      .put('/api/settings')
      .set(auth)
      .send(body as object);
  }

  describe('GET /api/settings', () => {
    it('returns every setting by key, from the environment until an admin sets one', async () => {
      const settings = await settingsOf(api, viewer);
      assert.deepEqual(Object.keys(settings).sort(), KEYS);
      assert.deepEqual(settings.collect_interval, {
        key: 'collect_interval',
        value: '3600',
        value_type: 'int',
        description: 'Seconds between history samples of each server',
        updated_at: null,
        updated_by: null,
        source: 'env',
        default: 3600,
        min: 5,
        max: 86400,
        unit: 'seconds',
        env: 'COLLECT_INTERVAL',
      });
      assert.equal(settings.logs_retention_days?.value, '30');
      assert.equal(settings.history_retention_days?.value, '90');
    });
  });

  describe('PUT /api/settings', () => {
    it('returns every setting with the changed ones set by the admin, applied at once', async () => {
      const response = await put({ checks_interval: '30', history_retention_days: 45, extra: 1 });
      assert.equal(response.status, 200, response.text);
      const settings = response.body as Settings;
      assert.deepEqual(Object.keys(settings).sort(), KEYS);
      assert.equal(settings.checks_interval?.value, '30');
      assert.equal(settings.checks_interval?.source, 'store');
      assert.equal(settings.checks_interval?.updated_by, 'admin');
      assert.equal(settings.checks_interval?.default, 600, 'the environment value stays known');
      assert.ok(Date.now() - Date.parse(settings.checks_interval?.updated_at ?? '') < 60_000);
      assert.equal(settings.collect_interval?.source, 'env', 'not sent: unchanged');
      assert.equal(api.app.get(TaskScheduler).intervalOf('checks'), 30_000);
      const status = await api.http.get('/api/collector/status').set(viewer);
      assert.equal((status.body as { retention_days: number }).retention_days, 45);
    });

    it('records the change, old and new values, in the audit log', async () => {
      await put({ logs_retention_days: 14 });
      const audit = await api.http
        .get('/api/audit/sessions')
        .query({ event_type: 'settings_update' })
        .set(admin);
      assert.equal(audit.status, 200, audit.text);
      const [latest] = (audit.body as { items: { username: string; details: string }[] }).items;
      assert.equal(latest?.username, 'admin');
      assert.match(latest?.details ?? '', /logs_retention_days/);
      assert.match(latest?.details ?? '', /"logs_retention_days":30/);
    });

    it('refuses values out of bounds or not whole numbers with 422 naming each, and applies none', async () => {
      const response = await put({
        collect_interval: 4,
        checks_interval: 1.5,
        history_retention_days: 'x',
        logs_retention_days: 7,
      });
      assert.deepEqual(issueLocations(response).sort(), [
        'body.checks_interval',
        'body.collect_interval',
        'body.history_retention_days',
      ]);
      const settings = await settingsOf(api);
      assert.equal(settings.logs_retention_days?.value, '14', 'the valid value was not applied');
      for (const value of [null, true, [5], '1e3', 86_401]) {
        assert.deepEqual(issueLocations(await put({ collect_interval: value })), [
          'body.collect_interval',
        ]);
      }
    });

    it('refuses a body with no setting in it with 422', async () => {
      for (const body of [{}, { retention_months: 3 }, [1, 2]]) {
        assert.deepEqual(issueLocations(await put(body)), ['body'], JSON.stringify(body));
      }
    });

    it('refuses an operator with 403 and changes nothing', async () => {
      const operator = bearer(await api.userToken('settings-operator', 'operator'));
      const response = await put({ collect_interval: 10 }, operator);
      assert.equal(response.status, 403);
      assert.equal((await settingsOf(api)).collect_interval?.value, '3600');
    });
  });

  describe('a separate collector process', () => {
    let child: ChildProcess | undefined;
    let workDir: string;
    let output = '';

    before(() => {
      workDir = mkdtempSync(join(tmpdir(), 'pgmon-settings-collector-'));
    });

    after(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      rmSync(workDir, { recursive: true, force: true });
    });

    it('samples sooner once collect_interval is shortened, without a restart', async () => {
      const name = uniqueName('settings-proc');
      const created = await api.http
        .post('/servers')
        .set(admin)
        .send(monitorBody(name, targets.pg.main));
      assert.equal(created.status, 201, created.text);
      const serverId = (await api.app.get(ServersService).get(name)).id;
      assert.equal((await put({ collect_interval: 3600 })).status, 200);
      const { SECRET_KEY, ENCRYPTION_KEY } = api.env;
      child = spawn(process.execPath, ['--enable-source-maps', COLLECTOR_MAIN], {
        cwd: workDir,
        env: {
          PATH: process.env.PATH ?? '',
          DATA_DIR: api.dataDir,
          SECRET_KEY,
          ENCRYPTION_KEY,
          COLLECT_INTERVAL: '3600',
          LOG_LEVEL: 'INFO',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const store = api.app.get(StoreService).db;
      const state = () =>
        store
          .selectFrom('collector_state')
          .select(['next_due_at', 'last_success_at'])
          .where('server_id', '=', serverId)
          .executeTakeFirst();
      // Scheduled somewhere in the next hour by the collector process.
      const scheduled = await eventually(state, (row) => row !== undefined, 20_000, 'scheduled');
      assert.equal(scheduled?.last_success_at ?? null, null, output.slice(-2000));
      assert.match(output, /Collecting every 3600 s/);
      assert.equal((await put({ collect_interval: 5 })).status, 200);
      await eventually(
        state,
        (row) => row?.last_success_at !== null && row?.last_success_at !== undefined,
        25_000,
        `a sample by the collector process after the change\n${output.slice(-2000)}`,
        250,
      );
    });
  });

  // Last: starting more apps in this process re-registers passport's JWT strategy.
  describe('another API process on the same store', () => {
    for (const withRedis of [false, true]) {
      it(`sees a change ${withRedis ? 'at once through Redis' : 'within 5 s without Redis'}`, async () => {
        const shared = {
          DATA_DIR: mkdtempSync(join(tmpdir(), 'pgmon-settings-shared-')),
          COLLECTOR_ENABLED: 'false',
          ...(withRedis && { REDIS_URL: targets.redis.url }),
        };
        const first = await startTestApi(shared);
        const second = await startTestApi({
          ...shared,
          SECRET_KEY: first.env.SECRET_KEY,
          ENCRYPTION_KEY: first.env.ENCRYPTION_KEY,
        });
        try {
          const value = String(100 + Math.floor(Math.random() * 800));
          const token = bearer(await first.adminToken());
          assert.equal((await put({ collect_interval: value }, token, first)).status, 200);
          const started = Date.now();
          const seen = await eventually(
            async () => (await settingsOf(second, token)).collect_interval?.value,
            (current) => current === value,
            withRedis ? 1500 : 7000,
            'the other process sees the new value',
            50,
          );
          assert.equal(seen, value);
          if (withRedis) assert.ok(Date.now() - started < 1500);
        } finally {
          await second.close();
          await first.close();
          rmSync(shared.DATA_DIR, { recursive: true, force: true });
        }
      });
    }
  });
});
