/**
 * GET /api/logs and /stats: pgmon's own events as the upstream web UI reads them. A real
 * collector failure (a server on a closed port) and its recovery are recorded once each, the
 * start of the app too; filters, paging, validation and roles; retention by the setting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CollectorService, RetentionService } from '#collector';
import { ServersService } from '#servers';
import { StoreService } from '#store';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';

interface LogBody {
  timestamp: string;
  level: string;
  source: string;
  message: string;
  details: string | null;
}
interface PageBody {
  items: LogBody[];
  total: number;
  limit: number;
  offset: number;
}

describe('LogsController', () => {
  const targets = readTargets();
  let api: TestApi;
  let admin: { Authorization: string };
  const server = uniqueName('logs');

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', PG_CONNECT_TIMEOUT_MS: '1000' });
    admin = bearer(await api.adminToken());
    const body = monitorBody(server, targets.pg.main, { port: targets.closedPort });
    assert.equal((await api.http.post('/servers').set(admin).send(body)).status, 201);
    const id = (await api.app.get(ServersService).get(server)).id;
    const collector = api.app.get(CollectorService);
    await collector.collectNow(id);
    await collector.collectNow(id);
    const back = await api.http
      .put(`/servers/${server}`)
      .set(admin)
      .send({ port: targets.pg.main.port, password: targets.pg.main.monitorPassword });
    assert.equal(back.status, 200, back.text);
    await collector.collectNow(id);
  });

  after(async () => {
    await api?.close();
  });

  function logs(query: Record<string, string | number> = {}) {
    return api.http.get('/api/logs').query(query).set(admin);
  }

  describe('GET /api/logs', () => {
    it('returns a failure once and its recovery once, newest first', async () => {
      const response = await logs({ source: 'collector_stats' });
      assert.equal(response.status, 200, response.text);
      const body = response.body as PageBody;
      assert.deepEqual(
        body.items.map((entry) => entry.level),
        ['info', 'error'],
      );
      assert.equal(body.items[0]?.message, `${server}: sampling works again`);
      assert.match(body.items[1]?.message ?? '', new RegExp(`^${server}: sampling failed: `));
      assert.equal(body.items[1]?.details, 'connection_refused');
      assert.deepEqual([body.total, body.limit, body.offset], [2, 50, 0]);
    });

    it('returns the start of the app as a system event', async () => {
      const body = (await logs({ source: 'system' })).body as PageBody;
      assert.match(body.items.at(-1)?.message ?? '', /^pgmon \S+ started on /);
    });

    it('filters by level and by text in any case', async () => {
      const errors = (await logs({ level: 'error' })).body as PageBody;
      assert.ok(errors.items.length >= 1);
      assert.ok(errors.items.every((entry) => entry.level === 'error'));
      const found = (await logs({ search: 'WORKS AGAIN' })).body as PageBody;
      assert.equal(found.total, 1);
      const byDetails = (await logs({ search: 'connection_refused' })).body as PageBody;
      assert.equal(byDetails.total, 1);
    });

    it('pages and bounds the period', async () => {
      const second = (await logs({ limit: 1, offset: 1, source: 'collector_stats' }))
        .body as PageBody;
      assert.equal(second.items[0]?.level, 'error');
      const old = (await logs({ date_to: '2020-01-31' })).body as PageBody;
      assert.equal(old.total, 0);
    });

    it('refuses a bad level, limit, offset or date with 422 naming it', async () => {
      for (const [name, value] of [
        ['level', 'fatal'],
        ['limit', 0],
        ['limit', 'lots'],
        ['offset', -5],
        ['date_from', '2026-13-01'],
      ] as const) {
        assert.deepEqual(issueLocations(await logs({ [name]: value })), [`query.${name}`]);
      }
    });
  });

  describe('GET /api/logs/stats', () => {
    it('returns the total and the errors and warnings of today', async () => {
      const response = await api.http.get('/api/logs/stats').set(admin);
      assert.equal(response.status, 200);
      const stats = response.body as {
        total: number;
        errors_today: number;
        warnings_today: number;
      };
      assert.equal(stats.errors_today, 1);
      assert.equal(stats.warnings_today, 0);
      assert.ok(stats.total >= 3);
    });
  });

  describe('retention', () => {
    it('removes events older than logs_retention_days', async () => {
      const store = api.app.get(StoreService).db;
      const old = Date.now() - 10 * 86_400_000;
      await store
        .insertInto('system_events')
        .values({ at: old, level: 'info', source: 'system', message: 'ancient', details: null })
        .execute();
      assert.equal(
        (await api.http.put('/api/settings').set(admin).send({ logs_retention_days: 7 })).status,
        200,
      );
      await api.app.get(RetentionService).run();
      assert.equal(((await logs({ search: 'ancient' })).body as PageBody).total, 0);
      assert.equal(((await logs({ search: 'works again' })).body as PageBody).total, 1);
    });
  });

  describe('both routes', () => {
    it('refuse an operator with 403', async () => {
      const operator = bearer(await api.userToken('logs-operator', 'operator'));
      for (const path of ['/api/logs', '/api/logs/stats']) {
        assert.equal((await api.http.get(path).set(operator)).status, 403, path);
      }
    });
  });
});
