/**
 * Active session history on the shared `main` cluster, with sessions of this file's own in a
 * database of its own: a pg_sleep session seen as Timeout:PgSleep, a session blocked on a row
 * lock seen as Lock:transactionid (and whom it waits for), the lock holder idle in transaction,
 * an idle session not sampled, pgmon's own sessions never; the same in /activity/at.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'pg';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import { connect, InsightClient, since, type SampledSession } from './helpers.js';

const { main } = readTargets().pg;
const HOUR = 3_600_000;

/** The session of a client, by its application name. */
interface Session {
  client: Client;
  name: string;
  pid: number;
}

describe('SessionHistoryController', () => {
  let api: TestApi;
  let admin: InsightClient;
  let viewer: InsightClient;
  let database: TestDatabase;
  const server = uniqueName('insight-ash');
  const started = Date.now();
  let holder: Session;
  let waiter: Session;
  let sleeper: Session;
  let idle: Session;
  let pending: Promise<unknown>[] = [];

  async function open(prefix: string): Promise<Session> {
    const client = await connect(main, database.name, prefix);
    const row = await client.query<{ pid: number; name: string }>(
      'select pg_backend_pid() as pid, current_setting($1) as name',
      ['application_name'],
    );
    return { client, name: row.rows[0]?.name ?? '', pid: row.rows[0]?.pid ?? 0 };
  }

  /** pg_stat_activity of our sessions, as the superuser sees it. */
  async function activity(): Promise<Map<string, { wait: string | null; state: string | null }>> {
    const result = await adminQuery<{
      application_name: string;
      wait: string | null;
      state: string | null;
    }>(
      main,
      `select application_name, wait_event_type || ':' || wait_event as wait, state
         from pg_stat_activity where datname = $1`,
      [database.name],
    );
    return new Map(
      result.rows.map((row) => [row.application_name, { wait: row.wait, state: row.state }]),
    );
  }

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = new InsightClient(api, await api.adminToken());
    viewer = new InsightClient(api, await api.userToken('insight-ash-viewer', 'viewer'));
    database = await createDatabase(main, 'insight_ash');
    await adminQuery(main, 'create table t (id int primary key, v int)', [], database.name);
    await adminQuery(main, 'insert into t values (1, 0)', [], database.name);
    await admin.createServer(monitorBody(server, main));

    [holder, waiter, sleeper, idle] = await Promise.all(
      ['insight-holder', 'insight-waiter', 'insight-sleeper', 'insight-idle'].map(open),
    );
    await holder.client.query('begin');
    await holder.client.query('update t set v = v + 1 where id = 1');
    pending = [
      waiter.client.query('update t set v = v + 2 where id = 1'),
      sleeper.client.query('select pg_sleep(60)').catch(() => undefined),
    ];
    await eventually(
      activity,
      (seen) =>
        seen.get(waiter.name)?.wait === 'Lock:transactionid' &&
        seen.get(sleeper.name)?.wait === 'Timeout:PgSleep' &&
        seen.get(holder.name)?.state === 'idle in transaction',
      10_000,
      'the waiter blocked and the sleeper sleeping',
    );
    await admin.sample(server);
    await admin.sample(server);
  });

  after(async () => {
    await holder?.client.query('rollback').catch(() => undefined);
    if (sleeper) await adminQuery(main, 'select pg_cancel_backend($1)', [sleeper.pid]);
    await Promise.allSettled(pending);
    await Promise.allSettled(
      [holder, waiter, sleeper, idle].map((session) => session?.client.end()),
    );
    await api?.close();
    await database?.drop();
  });

  describe('GET /server/{server_name}/activity/history', () => {
    it('returns the waiter as Lock:transactionid and the sleeper as Timeout:PgSleep in every sample', async () => {
      const answer = await viewer.activityHistory(server, since(started));
      assert.equal(answer.group_by, 'wait_event');
      assert.equal(answer.aggregation, 'raw');
      assert.equal(answer.sample_interval_s, 10);
      assert.equal(answer.samples, 2);
      assert.equal(answer.buckets.length, 2);
      for (const bucket of answer.buckets) {
        assert.ok((bucket.groups['Lock:transactionid'] ?? 0) >= 1, JSON.stringify(bucket));
        assert.ok((bucket.groups['Timeout:PgSleep'] ?? 0) >= 1, JSON.stringify(bucket));
        assert.ok((bucket.groups['Client:ClientRead'] ?? 0) >= 1, JSON.stringify(bucket));
      }
      const lock = answer.totals.find((total) => total.key === 'Lock:transactionid');
      assert.ok((lock?.samples ?? 0) >= 2 && (lock?.avg_active_sessions ?? 0) >= 1);
    });

    it('returns one session per sample for each of our applications, none of pgmon’s or idle ones', async () => {
      const answer = await viewer.activityHistory(server, {
        ...since(started),
        group_by: 'application',
      });
      for (const bucket of answer.buckets) {
        assert.equal(bucket.groups[holder.name], 1);
        assert.equal(bucket.groups[waiter.name], 1);
        assert.equal(bucket.groups[sleeper.name], 1);
        assert.equal(bucket.groups[idle.name], undefined);
        assert.equal(bucket.groups.pgmon, undefined);
      }
      const byDatabase = await viewer.activityHistory(server, {
        ...since(started),
        group_by: 'database',
      });
      assert.ok(byDatabase.buckets.every((bucket) => bucket.groups[database.name] === 3));
    });

    it('returns averages over the samples of each bucket for longer periods', async () => {
      const answer = await viewer.activityHistory(server, {
        start_date: new Date(Date.now() - 3 * 24 * HOUR).toISOString(),
        end_date: new Date(Date.now() + 60_000).toISOString(),
        group_by: 'application',
      });
      assert.equal(answer.aggregation, 'hour');
      const buckets = answer.buckets.filter((bucket) => bucket.groups[waiter.name] !== undefined);
      assert.ok(buckets.length >= 1 && buckets.length <= 2, JSON.stringify(answer.buckets));
      for (const bucket of buckets) assert.equal(bucket.groups[waiter.name], 1);
    });

    it('returns the texts of the grouped queries', async () => {
      const answer = await viewer.activityHistory(server, { ...since(started), group_by: 'query' });
      const texts = answer.totals.map((total) => total.query ?? total.key);
      assert.ok(
        texts.includes('update t set v = v + 2 where id = 1'),
        JSON.stringify(answer.totals),
      );
      assert.ok(texts.includes('select pg_sleep(60)'), JSON.stringify(answer.totals));
    });

    it('answers 422 for a bad group_by or date, and 404 for an unknown server', async () => {
      const path = `/server/${server}/activity/history`;
      assert.deepEqual(issueLocations(await viewer.get(path, { group_by: 'colour' })), [
        'query.group_by',
      ]);
      assert.deepEqual(issueLocations(await viewer.get(path, { end_date: '2025-02-30' })), [
        'query.end_date',
      ]);
      assert.deepEqual(
        issueLocations(
          await viewer.get(path, { start_date: '2025-01-01', end_date: '2025-02-01' }),
        ),
        ['query.start_date'],
      );
      const unknown = await viewer.get('/server/no-such-server/activity/history');
      assert.equal(unknown.status, 404, unknown.text);
    });
  });

  describe('GET /server/{server_name}/activity/at', () => {
    it('returns the sessions of the nearest sample with their waits, blockers and start times', async () => {
      const answer = await viewer.activityAt(server, new Date().toISOString());
      assert.ok(Date.now() - Date.parse(answer.sampled_at) < 60_000);
      const byName = new Map(answer.sessions.map((session) => [session.application_name, session]));
      const blocked = byName.get(waiter.name);
      assert.equal(blocked?.wait_event_type, 'Lock');
      assert.equal(blocked?.wait_event, 'transactionid');
      assert.deepEqual(blocked?.blocked_by, [holder.pid]);
      assert.equal(blocked?.query, 'update t set v = v + 2 where id = 1');
      assert.equal(blocked?.state, 'active');
      assert.equal(blocked?.datname, database.name);
      const sleeping = byName.get(sleeper.name);
      assert.deepEqual([sleeping?.wait_event_type, sleeping?.wait_event], ['Timeout', 'PgSleep']);
      assert.deepEqual(sleeping?.blocked_by, []);
      const holding = byName.get(holder.name);
      assert.equal(holding?.state, 'idle in transaction');
      assert.ok(holding?.xact_start);
      assert.equal(byName.get(idle.name), undefined);
      assert.ok(
        answer.sessions.every((session: SampledSession) => session.application_name !== 'pgmon'),
      );
      assert.ok(
        answer.sessions.every((session) => !(session.query ?? '').includes('pg_blocking_pids')),
      );
    });

    it('returns backend_start with the microseconds PostgreSQL keeps', async () => {
      const answer = await viewer.activityAt(server, new Date().toISOString());
      const session = answer.sessions.find((entry) => entry.application_name === waiter.name);
      const expected = await adminQuery<{ iso: string }>(
        main,
        `select to_char(backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as iso
           from pg_stat_activity where pid = $1`,
        [waiter.pid],
      );
      assert.equal(session?.backend_start, expected.rows[0]?.iso);
    });

    it('answers 404 when no sample is within two intervals, and 422 without a valid ts', async () => {
      const path = `/server/${server}/activity/at`;
      const far = await viewer.get(path, { ts: new Date(Date.now() - HOUR).toISOString() });
      assert.equal(far.status, 404, far.text);
      assert.deepEqual(issueLocations(await viewer.get(path)), ['query.ts']);
      assert.deepEqual(issueLocations(await viewer.get(path, { ts: 'noon' })), ['query.ts']);
      const unknown = await viewer.get('/server/no-such-server/activity/at', {
        ts: new Date().toISOString(),
      });
      assert.equal(unknown.status, 404, unknown.text);
    });
  });
});
