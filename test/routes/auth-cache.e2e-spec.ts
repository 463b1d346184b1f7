/**
 * An authenticated request costs no store query while its user is unchanged: counted on a
 * PostgreSQL store through pg_stat_statements of the store's own database. A change of the user
 * is seen by the very next request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthCache } from '#auth';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { readTargets } from '../support/targets-info.js';

const { main } = readTargets().pg;

/** Statements run in the store's database so far (every query pgmon's store pool sent). */
async function storeStatements(database: string): Promise<number> {
  const result = await adminQuery<{ calls: string }>(
    main,
    `select coalesce(sum(calls), 0)::text as calls from pg_stat_statements
      where dbid = (select oid from pg_database where datname = $1)`,
    [database],
  );
  return Number(result.rows[0]?.calls ?? 0);
}

describe(AuthCache.name, () => {
  let api: TestApi;
  let store: TestDatabase;
  let token: string;

  before(async () => {
    store = await createDatabase(main, 'auth_cache_store');
    api = await startTestApi({ DATABASE_URL: store.url, COLLECTOR_ENABLED: 'false' });
    token = await api.userToken('cache-viewer', 'viewer');
    // Warm: the token is verified and its user loaded once.
    assert.equal((await api.http.get('/api/pools/status').set(bearer(token))).status, 200);
  });

  after(async () => {
    await api?.close();
    await store?.drop();
  });

  describe('GET /api/pools/status', () => {
    it('runs no store query for 50 requests of an unchanged user', async () => {
      const before = await storeStatements(store.name);
      // The counter sees this store: logging in and creating the user ran statements.
      assert.ok(before > 10, `${before} statements counted in the store database`);
      for (let i = 0; i < 50; i++) {
        const response = await api.http.get('/api/pools/status').set(bearer(token));
        assert.equal(response.status, 200, response.text);
      }
      assert.equal(await storeStatements(store.name), before);
    });

    it('refuses the token at the first request after the user is disabled', async () => {
      const admin = await api.adminToken();
      const disabled = await api.http
        .put('/users/cache-viewer')
        .set(bearer(admin))
        .send({ is_active: false });
      assert.equal(disabled.status, 200, disabled.text);
      const response = await api.http.get('/api/pools/status').set(bearer(token));
      assert.equal(response.status, 401, response.text);
    });
  });
});
