import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { adminQuery } from '../support/clusters.js';
import { createStoreDatabase, type StoreDatabase } from '../support/postgres-store.js';
import { readTargets, type PgTarget } from '../support/targets-info.js';

interface HealthBody {
  status: string;
  checks: Record<string, { status?: string; backend?: string }>;
}

/** Polls GET /api/health until it answers `status`; returns that response. */
async function waitForHealth(api: TestApi, status: number, timeoutMs = 10_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: Response | undefined;
  while (Date.now() < deadline) {
    last = await api.http.get('/api/health');
    if (last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`GET /api/health did not answer ${status} within ${timeoutMs} ms: ${last?.text}`);
}

describe('HealthController and UsersController on a PostgreSQL store', () => {
  let target: PgTarget;
  let storeDatabase: StoreDatabase | undefined;
  let api: TestApi | undefined;

  function storeApi(): TestApi {
    assert.ok(api, 'the app started');
    return api;
  }

  before(async () => {
    target = readTargets().pg.main;
    storeDatabase = await createStoreDatabase(target, 'store');
    api = await startTestApi({ DATABASE_URL: storeDatabase.url });
  });

  after(async () => {
    try {
      await api?.close();
    } finally {
      await storeDatabase?.drop();
    }
  });

  describe('GET /api/health', () => {
    it('reports the postgres backend up with 200', async () => {
      const response = await storeApi().http.get('/api/health');
      assert.equal(response.status, 200, response.text);
      const body = response.body as HealthBody;
      assert.equal(body.status, 'ok');
      assert.equal(body.checks.store?.status, 'up');
      assert.equal(body.checks.store?.backend, 'postgres');
    });

    it('answers 503 with the store down when the store refuses logins, then 200 once it is back', async () => {
      await storeDatabase?.refuseLogins();
      const started = Date.now();
      const down = await waitForHealth(storeApi(), 503);
      assert.ok(Date.now() - started < 10_000);
      const body = down.body as HealthBody;
      assert.equal(body.status, 'error');
      assert.equal(body.checks.store?.status, 'down');
      assert.equal(
        down.text.includes(storeDatabase?.password ?? ''),
        false,
        'no store password shown',
      );

      await storeDatabase?.allowLogins();
      const up = await waitForHealth(storeApi(), 200);
      assert.equal((up.body as HealthBody).checks.store?.status, 'up');
    });
  });

  describe('/users', () => {
    it('creates, lists, updates and deletes users in the PostgreSQL store', async () => {
      const store = storeApi();
      const admin = bearer(await store.adminToken());
      const created = await store.http
        .post('/users')
        .set(admin)
        .send({ login: 'pg-user', password: 'long enough', role: 'viewer' });
      assert.equal(created.status, 201, created.text);
      const duplicate = await store.http
        .post('/users')
        .set(admin)
        .send({ login: 'pg-user', password: 'long enough' });
      assert.equal(duplicate.status, 409, duplicate.text);

      const listed = await store.http.get('/users').set(admin);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        (listed.body as { login: string }[]).map((user) => user.login),
        ['admin', 'pg-user'],
      );
      const updated = await store.http.put('/users/pg-user').set(admin).send({ role: 'operator' });
      assert.equal(updated.status, 200, updated.text);
      assert.equal((updated.body as { role: string }).role, 'operator');
      const token = await store.login('pg-user', 'long enough');
      const me = await store.http.get('/users/me').set(bearer(token));
      assert.equal((me.body as { role: string }).role, 'operator');

      const deleted = await store.http.delete('/users/pg-user').set(admin);
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.body, { message: 'User pg-user deleted' });
      const rows = await adminQuery(
        target,
        'SELECT login FROM users ORDER BY login',
        [],
        storeDatabase?.database.name,
      );
      assert.deepEqual(
        rows.rows.map((row) => (row as { login: string }).login),
        ['admin'],
      );
    });

    it('keeps the last active admin (409) on PostgreSQL too', async () => {
      const store = storeApi();
      const admin = bearer(await store.adminToken());
      const refused = await store.http.put('/users/admin').set(admin).send({ is_active: false });
      assert.equal(refused.status, 409, refused.text);
      const again = await store.http.delete('/users/admin').set(admin);
      assert.equal(again.status, 409, again.text);
      assert.equal((await store.http.get('/users/me').set(admin)).status, 200);
    });
  });
});
