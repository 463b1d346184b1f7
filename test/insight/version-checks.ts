/**
 * What depends on the server's version, as one function of a server of the version matrix, so
 * that every major runs the same checks: a reading of pg_stat_statements with the version's
 * columns counted exactly, and a session sample with the version's columns. The extension is
 * created in a database of the test's own (pg_stat_statements must be preloaded).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Client } from 'pg';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import type { TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import type { MatrixServer } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import { pidOf } from '../sessions/session-clients.js';
import { connect, entriesOf, InsightClient, repeat, since } from './helpers.js';

const STATEMENT = 'select v from t where id = $1';
const UPDATE = 'update t set v = -v where id = $1';
const SCAN = 'select count(*) from big';
/**
 * About 27 MB: created in one statement, it passes the 16 MB ring of a bulk write, so most of it
 * is not in shared_buffers (32 MB on every server of the tests) and a scan of it reads blocks.
 */
const BIG_TABLE = `create table big as select g as id, repeat('x', 400) as pad from generate_series(1, 60000) g`;

/** The checks of one server; `app` is the API the test file started (one for every major). */
export function versionChecks(target: MatrixServer, app: () => TestApi): void {
  let admin: InsightClient;
  let database: TestDatabase;
  const { versionNum } = target;
  const server = uniqueName(`insight-pg${target.major}`);
  const started = Date.now();

  before(async () => {
    database = await createDatabase(target, `insight_pg${target.major}`);
    await adminQuery(
      target,
      'create extension if not exists pg_stat_statements',
      [],
      database.name,
    );
    await adminQuery(target, 'create table t (id int primary key, v int)', [], database.name);
    await adminQuery(target, 'insert into t values (1, 1)', [], database.name);
    const api = app();
    admin = new InsightClient(api, await api.adminToken());
    await admin.createServer(monitorBody(server, target, { database: database.name }));
    await admin.snapshot(server);
  });

  after(async () => {
    await database?.drop();
  });

  it('returns exactly the calls run between two readings, with the version’s columns', async () => {
    await repeat(target, database.name, STATEMENT, 50, [1]);
    await admin.snapshot(server);
    // pgmon reads pg_stat_statements from this database too: its own statements are there.
    const answer = await admin.queries(server, {
      ...since(started),
      database: database.name,
      user: target.superuser,
    });
    assert.equal(answer.available, true);
    const [entry] = entriesOf(answer, STATEMENT);
    assert.equal(entry?.calls, 50);
    assert.equal(entry?.rows, 50);
    assert.ok((entry?.total_exec_time_ms ?? 0) > 0);
    assert.equal(entry?.toplevel, versionNum >= 140000 ? true : null);
    assert.equal(answer.totals.calls, 50);
  });

  it('returns a sleeping session with its wait event, and its query_id from PostgreSQL 14', async () => {
    const sleeper: Client = await connect(target, database.name, 'insight-version-sleep');
    const sleeping = sleeper.query('select pg_sleep(30)').catch(() => undefined);
    try {
      await eventually(
        () =>
          adminQuery<{ n: number }>(
            target,
            `select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event = 'PgSleep'`,
            [database.name],
          ).then((result) => result.rows[0]?.n ?? 0),
        (count) => count === 1,
        10_000,
        'the session sleeping',
      );
      await admin.sample(server);
      const sample = await admin.activityAt(server, new Date().toISOString());
      const session = sample.sessions.find((entry) => entry.query === 'select pg_sleep(30)');
      assert.deepEqual([session?.wait_event_type, session?.wait_event], ['Timeout', 'PgSleep']);
      assert.equal(session?.query_id !== null, versionNum >= 140000);
    } finally {
      await adminQuery(
        target,
        `select pg_cancel_backend(pid) from pg_stat_activity where datname = $1 and wait_event = 'PgSleep'`,
        [database.name],
      );
      await sleeping;
      await sleeper.end();
    }
  });

  it('returns the WAL bytes of an update, and the blocks a scan read with their read time (shared_blk_read_time from 17)', async () => {
    await adminQuery(target, BIG_TABLE, [], database.name);
    await repeat(target, database.name, UPDATE, 5, [1]);
    await repeat(target, database.name, SCAN, 1);
    await admin.snapshot(server);
    const answer = await admin.queries(server, { ...since(started), database: database.name });
    const [update] = entriesOf(answer, UPDATE);
    assert.equal(update?.calls, 5);
    assert.ok((update?.wal_bytes ?? 0) > 0, JSON.stringify(update));
    const [scan] = entriesOf(answer, SCAN);
    assert.ok((scan?.shared_blks_read ?? 0) > 0, JSON.stringify(scan));
    assert.ok((scan?.blk_read_time_ms ?? 0) > 0, JSON.stringify(scan));
  });

  it('returns a session waiting on a row lock with its wait event, its blocker, and its query grouped by query_id from 14', async () => {
    const [holder, waiter] = await Promise.all([
      connect(target, database.name, 'insight-version-holder'),
      connect(target, database.name, 'insight-version-waiter'),
    ]);
    try {
      const [holderPid, waiterPid] = await Promise.all([pidOf(holder), pidOf(waiter)]);
      await holder.query('begin');
      await holder.query(UPDATE, [1]);
      const waiting = waiter.query(UPDATE, [1]);
      await eventually(
        () =>
          adminQuery(target, 'select 1 from pg_locks where pid = $1 and not granted', [waiterPid]),
        (result) => result.rowCount === 1,
        10_000,
        'the session waiting',
      );
      await admin.sample(server);
      const sample = await admin.activityAt(server, new Date().toISOString());
      const session = sample.sessions.find((entry) => entry.pid === waiterPid);
      assert.deepEqual(
        [session?.state, session?.wait_event_type, session?.wait_event, session?.blocked_by],
        ['active', 'Lock', 'transactionid', [holderPid]],
      );
      assert.equal(
        sample.sessions.find((entry) => entry.pid === holderPid)?.state,
        'idle in transaction',
      );
      const byWait = await admin.activityHistory(server, since(started));
      assert.ok(
        byWait.totals.some((total) => total.key === 'Lock:transactionid'),
        JSON.stringify(byWait.totals),
      );
      // Grouped by query_id from 14 (the text shown beside it), by the text itself before.
      const byQuery = await admin.activityHistory(server, { ...since(started), group_by: 'query' });
      const keys = byQuery.totals
        .filter((total) => (total.query ?? total.key) === UPDATE)
        .map((total) => total.key);
      assert.ok(keys.length > 0, JSON.stringify(byQuery.totals));
      assert.equal(
        keys.some((key) => /^-?\d+$/.test(key)),
        versionNum >= 140000,
        JSON.stringify(byQuery.totals),
      );
      await holder.query('rollback');
      await waiting;
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  });
}
