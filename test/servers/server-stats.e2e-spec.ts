/**
 * GET /server_stats/{name} against the main cluster as the pg_monitor-only role: other
 * sessions' query text, durations, filters, blocking pids of a real lock conflict, and the
 * answers for servers that cannot be reached.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { issueLocations, isIsoTimestamp, ResponseRecorder } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually, timed } from '../support/timing.js';
import { harnessSecrets, ServersClient, targets } from './helpers.js';

interface Session {
  pid: number;
  usename: string | null;
  datname: string | null;
  query: string | null;
  state: string | null;
  application_name: string | null;
  backend_type: string | null;
  wait_event_type: string | null;
  query_start: string | null;
  duration_ms: number | null;
  blocked_by: number[];
  query_truncated: boolean;
  leader_pid?: number | null;
  query_id?: string | null;
}

interface Activity {
  queries: Session[];
  version_num: number;
  checked_at: string;
}

const SLEEP_SQL = 'select pg_sleep(3)';

describe('ActivityController', () => {
  let api: TestApi;
  let viewer: ServersClient;
  let admin: ServersClient;
  const recorder = new ResponseRecorder();
  const { main } = targets.pg;
  const name = uniqueName('activity');
  const clients: pg.Client[] = [];
  let lockDb: TestDatabase;

  /** A superuser session with its own application_name; ended after the file. */
  async function session(applicationName: string, database = 'postgres'): Promise<pg.Client> {
    const client = new pg.Client({
      host: main.host,
      port: main.port,
      user: main.superuser,
      password: main.superpassword,
      database,
      application_name: applicationName,
    });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  }

  async function pidOf(client: pg.Client): Promise<number> {
    const result = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return result.rows[0]?.pid ?? -1;
  }

  /** Starts `select pg_sleep(3)` in a new session; resolves once pgmon can see it. */
  async function sleeper(): Promise<{ pid: number; appName: string; done: Promise<unknown> }> {
    const appName = uniqueName('pgmon-test-sleeper');
    const client = await session(appName);
    const pid = await pidOf(client);
    const done = client.query(SLEEP_SQL).catch(() => undefined);
    await eventually(
      () => activity(''),
      (a) => a.queries.some((s) => s.pid === pid && s.state === 'active'),
      2000,
      'the sleeper is visible',
      20,
    );
    return { pid, appName, done };
  }

  async function activity(query: string): Promise<Activity> {
    const response = await viewer.sessions(name, query);
    assert.equal(response.status, 200, response.text);
    return response.body as Activity;
  }

  before(async () => {
    api = await startTestApi({ PG_CONNECT_TIMEOUT_MS: '1000', COLLECTOR_ENABLED: 'false' });
    recorder.attach(api);
    admin = new ServersClient(api, await api.adminToken());
    viewer = new ServersClient(api, await api.userToken('activity-viewer', 'viewer'));
    await admin.created(monitorBody(name));
    lockDb = await createDatabase(main, 'pgmon_locks');
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await lockDb?.drop();
    await api?.close();
  });

  describe('GET /server_stats/{server_name}', () => {
    describe('with another session running select pg_sleep(3)', () => {
      let sleeping: { pid: number; appName: string; done: Promise<unknown> };

      before(async () => {
        sleeping = await sleeper();
      });

      after(async () => {
        await sleeping?.done;
      });

      it("returns the other user's query, with its duration growing", async () => {
        const { pid, appName } = sleeping;
        const first = await activity('');
        await sleep(300);
        const second = await activity('');
        const seen = first.queries.find((s) => s.pid === pid);
        const later = second.queries.find((s) => s.pid === pid);
        assert.ok(seen && later, 'the session is listed');
        assert.deepEqual(Object.keys(seen).slice(0, 5), [
          'pid',
          'usename',
          'datname',
          'query',
          'state',
        ]);
        assert.equal(seen.state, 'active');
        assert.equal(seen.query, SLEEP_SQL, 'pg_monitor sees the query text of other users');
        assert.equal(seen.usename, main.superuser);
        assert.equal(seen.datname, 'postgres');
        assert.equal(seen.application_name, appName);
        assert.equal(seen.backend_type, 'client backend');
        assert.equal(seen.query_truncated, false);
        assert.deepEqual(seen.blocked_by, []);
        assert.ok(isIsoTimestamp(seen.query_start));
        assert.equal(typeof seen.duration_ms, 'number');
        assert.ok((later.duration_ms ?? 0) >= (seen.duration_ms ?? 0) + 250, 'duration grows');
        assert.ok('leader_pid' in seen && 'query_id' in seen, 'PostgreSQL 15 columns');
        assert.equal(first.version_num >= 150000, true);
        assert.ok(isIsoTimestamp(first.checked_at));
      });

      it('returns only sessions in the state asked for', async () => {
        const active = await activity('state=active');
        const idle = await activity('state=idle');
        assert.ok(active.queries.some((s) => s.pid === sleeping.pid));
        assert.ok(active.queries.every((s) => s.state === 'active'));
        assert.ok(!idle.queries.some((s) => s.pid === sleeping.pid));
        assert.ok(idle.queries.every((s) => s.state === 'idle'));
      });

      it('returns only sessions running at least min_duration_ms', async () => {
        const running = (await activity('')).queries.find((s) => s.pid === sleeping.pid);
        await sleep(Math.max(0, 1200 - (running?.duration_ms ?? 0)));
        const slow = await activity('min_duration_ms=1000');
        assert.ok(
          slow.queries.some((s) => s.pid === sleeping.pid),
          'the sleeper is slow enough',
        );
        for (const s of slow.queries) assert.ok((s.duration_ms ?? 0) >= 1000, JSON.stringify(s));
        const fresh = await activity('min_duration_ms=60000');
        assert.ok(!fresh.queries.some((s) => s.pid === sleeping.pid));
      });
    });

    it('returns at most limit sessions', async () => {
      const all = await activity('');
      assert.ok(all.queries.length >= 2, `${all.queries.length} sessions`);
      assert.equal((await activity('limit=1')).queries.length, 1);
    });

    it('returns the pids that block a waiting session, and only its database with datname', async () => {
      const holder = await session(uniqueName('pgmon-test-holder'), lockDb.name);
      const waiter = await session(uniqueName('pgmon-test-waiter'), lockDb.name);
      const holderPid = await pidOf(holder);
      const waiterPid = await pidOf(waiter);
      await holder.query('create table t (x int)');
      await holder.query('begin');
      await holder.query('lock table t in access exclusive mode');
      const waiting = waiter.query('select count(*) from t');
      try {
        const seen = await eventually(
          () => activity(`datname=${lockDb.name}`),
          (a) => a.queries.some((s) => s.pid === waiterPid && s.wait_event_type === 'Lock'),
          3000,
          'the waiter waits on the lock',
          50,
        );
        const waiterRow = seen.queries.find((s) => s.pid === waiterPid);
        const holderRow = seen.queries.find((s) => s.pid === holderPid);
        assert.ok(waiterRow?.blocked_by.includes(holderPid), JSON.stringify(waiterRow));
        assert.deepEqual(holderRow?.blocked_by, []);
        assert.equal(holderRow?.state, 'idle in transaction');
        assert.ok(seen.queries.every((s) => s.datname === lockDb.name));
        assert.deepEqual(seen.queries.map((s) => s.pid).sort(), [holderPid, waiterPid].sort());
        const inTransaction = await activity(`state=${encodeURIComponent('idle in transaction')}`);
        assert.ok(inTransaction.queries.some((s) => s.pid === holderPid));
      } finally {
        await holder.query('rollback');
        await waiting.catch(() => undefined);
      }
    });

    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=999999', 'limit'],
      ['limit=abc', 'limit'],
      ['min_duration_ms=-1', 'min_duration_ms'],
      ['min_duration_ms=1.5', 'min_duration_ms'],
      ['state=bogus', 'state'],
      [`datname=${'d'.repeat(64)}`, 'datname'],
    ]) {
      it(`returns 422 naming ${field} for ${query.slice(0, 30)}`, async () => {
        const locations = issueLocations(await viewer.sessions(name, query));
        assert.deepEqual(locations, [`query.${field}`]);
      });
    }

    it('returns 502 with the reason for a server that refuses connections', async () => {
      const down = uniqueName('activity-closed');
      await admin.created({ ...monitorBody(down), port: targets.closedPort });
      const response = await viewer.sessions(down);
      assert.equal(response.status, 502, response.text);
      assert.match((response.body as { detail: string }).detail, /^PostgreSQL: connection refused/);
    });

    it('returns 504 within the connect timeout for a server that never answers', async () => {
      const silent = uniqueName('activity-silent');
      await admin.created({ ...monitorBody(silent), port: targets.silentPort });
      const { value: response, ms } = await timed(() => viewer.sessions(silent));
      assert.equal(response.status, 504, response.text);
      assert.match((response.body as { detail: string }).detail, /^PostgreSQL: timeout/);
      assert.ok(ms < 1000 + 1500, `answered after ${ms} ms`);
    });
  });

  // Runs last: covers every response of the tests above.
  describe('responses of this file', () => {
    it('return no secret', () => {
      assert.ok(recorder.assertNoSecrets(harnessSecrets()) > 15);
    });
  });
});
