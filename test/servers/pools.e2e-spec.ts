/**
 * PoolRegistry through the real app: GET /api/pools/status, the pool size limit under
 * concurrent requests (counted by the pool and by the cluster), idle pools closing, and no
 * connection left behind after shutdown. Each pool here uses its own database, so the
 * cluster-side counts see only this file's connections (other files run in parallel).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'pg';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, superuserClient, type TestDatabase } from '../support/clusters.js';
import { sleep } from '../support/proc.js';
import { startTcpCounter, type TcpCounter } from '../ssh/tcp-counter.js';
import { uniqueName } from '../support/names.js';
import { ResponseRecorder } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import { harnessSecrets, ServersClient, targets } from './helpers.js';

const POOL_KEY = /^[^:\s]+:\d+:[^:\s]+:[^:\s]+( \(.+\))?$/;

describe('PoolsController', () => {
  const { main } = targets.pg;
  const recorder = new ResponseRecorder();
  const databases: TestDatabase[] = [];
  const apps: TestApi[] = [];
  const relays: TcpCounter[] = [];
  let monitor: Client;

  /** A TCP relay to the main cluster that counts pgmon's sockets. */
  async function relay(): Promise<TcpCounter> {
    const counter = await startTcpCounter(main.port);
    relays.push(counter);
    return counter;
  }

  /** pgmon's connections to one database, counted by the cluster. */
  async function pgmonConnections(database: string): Promise<number> {
    const result = await monitor.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where application_name = 'pgmon' and datname = $1`,
      [database],
    );
    return result.rows[0]?.n ?? -1;
  }

  async function database(prefix: string): Promise<string> {
    const created = await createDatabase(main, prefix);
    databases.push(created);
    return created.name;
  }

  async function app(
    env: Record<string, string> = {},
  ): Promise<{ api: TestApi; admin: ServersClient }> {
    const api = await startTestApi({ COLLECTOR_ENABLED: 'false', ...env });
    apps.push(api);
    recorder.attach(api);
    return { api, admin: new ServersClient(api, await api.adminToken()) };
  }

  before(async () => {
    monitor = await superuserClient(main);
  });

  after(async () => {
    for (const api of apps) await api.close().catch(() => undefined);
    await monitor?.end();
    for (const counter of relays) await counter.close();
    for (const db of databases) await db.drop();
  });

  describe('GET /api/pools/status', () => {
    let admin: ServersClient;
    let name: string;
    let db: string;

    before(async () => {
      ({ admin } = await app());
      name = uniqueName('pools-main');
      db = await database('pgmon_pools');
      await admin.created({ ...monitorBody(name), database: db });
    });

    it('returns the pool keyed host:port:user:database with the seed fields and counts', async () => {
      const pools = await admin.pools();
      const key = `127.0.0.1:${main.port}:${main.monitorUser}:${db}`;
      const pool = pools[key];
      assert.ok(pool, `${key} in ${Object.keys(pools).join(', ')}`);
      assert.deepEqual(Object.keys(pool).slice(0, 3), ['minconn', 'maxconn', 'closed']);
      assert.equal(pool.minconn, 1);
      assert.equal(pool.maxconn, 5);
      assert.equal(pool.closed, false);
      assert.equal(pool.server, name);
      for (const field of ['total', 'idle', 'waiting'] as const) {
        assert.ok(Number.isInteger(pool[field]) && pool[field] >= 0, `${field}: ${pool[field]}`);
      }
      assert.ok(pool.total >= 1 && pool.total <= pool.maxconn);
      for (const each of Object.keys(pools)) assert.match(each, POOL_KEY);
    });

    it('returns no password anywhere', async () => {
      await admin.created(monitorBody(uniqueName('pools-other')));
      const response = await admin.pools();
      const text = JSON.stringify(response);
      assert.ok(Object.keys(response).length >= 2);
      for (const secret of harnessSecrets()) assert.ok(!text.includes(secret));
      assert.doesNotMatch(text, /password/i);
    });

    it('keeps at most maxconn connections for 30 concurrent GET /server_stats', async (t) => {
      const before = await admin.pool(name);
      let sampling = true;
      let mostSeen = 0;
      const sampler = (async () => {
        while (sampling) {
          mostSeen = Math.max(mostSeen, await pgmonConnections(db));
          await sleep(10);
        }
      })();
      const responses = await Promise.all(Array.from({ length: 30 }, () => admin.sessions(name)));
      sampling = false;
      await sampler;
      for (const response of responses) assert.equal(response.status, 200, response.text);
      const pool = await admin.pool(name);
      t.diagnostic(`pool peak ${pool.peak}, most seen by the cluster ${mostSeen}`);
      assert.ok(pool.peak <= pool.maxconn, `peak ${pool.peak}`);
      assert.ok(pool.peak >= 1);
      assert.ok(mostSeen <= 5, `the cluster saw ${mostSeen} pgmon connections`);
      assert.ok(mostSeen >= 1, 'the sampler saw the connections');
      assert.ok(pool.acquired - before.acquired >= 30, `acquired ${pool.acquired}`);
      assert.ok(pool.total <= 5 && pool.waiting === 0);
      assert.ok((await pgmonConnections(db)) <= 5);
    });
  });

  describe('GET /api/pools/status with POOL_CLOSE_AFTER=2', () => {
    it('returns no pool, and the cluster no connection, a few seconds after the last use', async () => {
      const { admin } = await app({ POOL_CLOSE_AFTER: '2', POOL_IDLE_TIMEOUT: '1' });
      const name = uniqueName('pools-idle');
      const db = await database('pgmon_idle');
      await admin.created({ ...monitorBody(name), database: db });
      const responses = await Promise.all(Array.from({ length: 8 }, () => admin.sessions(name)));
      for (const response of responses) assert.equal(response.status, 200);
      assert.ok((await pgmonConnections(db)) >= 1, 'connections open right after use');
      assert.equal((await admin.poolsOf(name)).length, 1);
      await eventually(
        () => pgmonConnections(db),
        (n) => n === 0,
        8000,
        'connections closed',
      );
      assert.deepEqual(await admin.poolsOf(name), [], 'the pool is gone from the status');
      // The next request opens a new pool.
      assert.equal((await admin.sessions(name)).status, 200);
      assert.equal((await admin.poolsOf(name)).length, 1);
    });
  });

  describe('connections after errors and shutdown', () => {
    it('leaves no connection open for a server without a stored password', async () => {
      const { admin } = await app();
      const counter = await relay();
      const name = uniqueName('pools-nopw');
      const entry = await admin.created({
        ...monitorBody(name),
        port: counter.port,
        password: null,
      });
      assert.ok(entry.status.startsWith('PostgreSQL: '), entry.status);
      assert.ok(counter.accepted > 0, 'pgmon connected through the relay');
      // The cluster asked for a password that pgmon does not have: the attempt is over, so its
      // socket must be closed rather than left for the server's authentication_timeout (60 s).
      await eventually(
        () => Promise.resolve(counter.open),
        (open) => open === 0,
        3000,
        'sockets of failed logins closed',
      );
    });

    it('leaves no pgmon connection on the cluster after app.close()', async () => {
      const { api, admin } = await app();
      const counter = await relay();
      const name = uniqueName('pools-close');
      const db = await database('pgmon_close');
      await admin.created({ ...monitorBody(name), database: db, port: counter.port });
      await Promise.all(Array.from({ length: 6 }, () => admin.sessions(name)));
      assert.equal((await admin.test(name)).status, 200);
      assert.ok((await pgmonConnections(db)) >= 1);
      await api.close();
      apps.splice(apps.indexOf(api), 1);
      await eventually(
        () => pgmonConnections(db),
        (n) => n === 0,
        2000,
        'no pgmon connection',
      );
      await eventually(
        () => Promise.resolve(counter.open),
        (open) => open === 0,
        2000,
        'no socket left',
      );
    });
  });

  // Runs last: covers every response of the tests above.
  describe('responses of this file', () => {
    it('return no secret', () => {
      assert.ok(recorder.assertNoSecrets(harnessSecrets()) > 40);
    });
  });
});
