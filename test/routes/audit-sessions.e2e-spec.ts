/**
 * GET /api/audit/sessions and /stats as the upstream web UI reads them: logins (with client
 * address and user agent), failures, refreshes, logouts and every audited change, under the
 * upstream event types, filtered and paged; admin only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { issueLocations } from '../support/responses.js';

interface EventBody {
  timestamp: string;
  event_type: string;
  username: string;
  ip_address: string | null;
  user_agent: string | null;
  jti: string | null;
  details: string | null;
}
interface PageBody {
  items: EventBody[];
  total: number;
  limit: number;
  offset: number;
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0';

describe('AuditSessionsController', () => {
  let api: TestApi;
  let admin: { Authorization: string };

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = bearer(await api.adminToken());
    await api.createUser('aud-ivy', 'viewer', 'ivy-password-12');
    const login = (password: string) =>
      api.http
        .post('/api/token')
        .set('User-Agent', BROWSER)
        .type('form')
        .send({ username: 'aud-ivy', password });
    await login('wrong-password-1');
    const ok = await login('ivy-password-12');
    const cookie = (ok.headers['set-cookie'] as unknown as string[])[0]?.split(';')[0] ?? '';
    const refreshed = await api.http.post('/api/refresh').set('Cookie', cookie);
    const next = (refreshed.headers['set-cookie'] as unknown as string[])[0]?.split(';')[0] ?? '';
    await api.http.post('/api/logout').set('Cookie', next).set('User-Agent', BROWSER);
  });

  after(async () => {
    await api?.close();
  });

  function page(query: Record<string, string | number> = {}) {
    return api.http.get('/api/audit/sessions').query(query).set(admin);
  }

  describe('GET /api/audit/sessions', () => {
    it('returns the session events of a user newest first, with address and user agent', async () => {
      const response = await page({ username: 'AUD-IV' });
      assert.equal(response.status, 200, response.text);
      const body = response.body as PageBody;
      assert.deepEqual(
        body.items.map((event) => event.event_type),
        ['logout', 'refresh', 'login_success', 'login_failed', 'user_create'],
      );
      assert.deepEqual([body.total, body.limit, body.offset], [5, 50, 0]);
      const [logout, , loginOk, failed, created] = body.items;
      assert.equal(loginOk?.user_agent, BROWSER);
      assert.equal(logout?.user_agent, BROWSER);
      assert.match(loginOk?.ip_address ?? '', /127\.0\.0\.1/);
      assert.equal(failed?.username, 'aud-ivy', 'a failed login names the login tried');
      assert.equal(created?.username, 'admin');
      assert.match(created?.details ?? '', /^aud-ivy role=viewer is_active=true/);
      assert.equal(loginOk?.jti, null);
      assert.ok(
        body.items.every((event) => new Date(event.timestamp).toISOString() === event.timestamp),
      );
    });

    it('returns one event type, and the actions of an upstream event type', async () => {
      const failures = (await page({ event_type: 'login_failed' })).body as PageBody;
      assert.deepEqual(
        failures.items.map((event) => event.username),
        ['aud-ivy'],
      );
      const creations = (await page({ event_type: 'user_create' })).body as PageBody;
      assert.ok(creations.items.some((event) => event.details?.startsWith('aud-ivy')));
      assert.ok(creations.items.every((event) => event.event_type === 'user_create'));
    });

    it('pages with limit and offset, total counting every match', async () => {
      const first = (await page({ username: 'aud-ivy', limit: 2 })).body as PageBody;
      const second = (await page({ username: 'aud-ivy', limit: 2, offset: 2 })).body as PageBody;
      assert.deepEqual([first.total, second.total], [5, 5]);
      assert.deepEqual(
        [...first.items, ...second.items].map((event) => event.event_type),
        ['logout', 'refresh', 'login_success', 'login_failed'],
      );
    });

    it('returns a period of days, the day of date_to included', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const inDay = (await page({ username: 'aud-ivy', date_from: today, date_to: today }))
        .body as PageBody;
      assert.equal(inDay.total, 5);
      const before = (await page({ username: 'aud-ivy', date_to: '2020-01-01' })).body as PageBody;
      assert.equal(before.total, 0);
    });

    it('refuses a bad limit, offset, date or event type with 422 naming it', async () => {
      for (const [name, value] of [
        ['limit', 0],
        ['limit', 501],
        ['offset', -1],
        ['date_from', 'yesterday'],
        ['date_to', '2026-02-30'],
        ['event_type', 'DROP TABLE'],
      ] as const) {
        assert.deepEqual(issueLocations(await page({ [name]: value })), [`query.${name}`]);
      }
    });

    it('treats % and _ in the search text as text', async () => {
      assert.equal(((await page({ username: '%' })).body as PageBody).total, 0);
      assert.equal(((await page({ username: 'aud_ivy' })).body as PageBody).total, 0);
    });
  });

  describe('GET /api/audit/sessions/stats', () => {
    it('returns the counters of logins, failures and changes', async () => {
      const response = await api.http.get('/api/audit/sessions/stats').set(admin);
      assert.equal(response.status, 200, response.text);
      const stats = response.body as Record<string, number>;
      // admin's login (the test harness) and aud-ivy's; one failure; two users created (admin at
      // the first start, aud-ivy).
      assert.deepEqual(stats, {
        total_events: stats.total_events,
        logins_today: 2,
        unique_users_week: 2,
        failed_total: 1,
        failed_today: 1,
        actions_today: 2,
      });
      assert.ok((stats.total_events ?? 0) >= 6);
    });
  });

  describe('both routes', () => {
    it('refuse an operator with 403', async () => {
      const operator = bearer(await api.userToken('aud-operator', 'operator'));
      for (const path of ['/api/audit/sessions', '/api/audit/sessions/stats']) {
        assert.equal((await api.http.get(path).set(operator)).status, 403, path);
      }
    });
  });
});
