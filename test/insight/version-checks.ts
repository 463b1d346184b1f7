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
import { connect, entriesOf, InsightClient, repeat, since } from './helpers.js';

const STATEMENT = 'select v from t where id = $1';

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
}
