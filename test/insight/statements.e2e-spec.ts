/**
 * pg_stat_statements history on the shared `main` cluster, in a database of this file's own:
 * a known workload counted exactly between two snapshots, the routes' filters, sorts, limits
 * and errors, a viewer reading, and the collector's cost in /metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { TaskScheduler } from '#collector';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { entriesOf, InsightClient, repeat, since } from './helpers.js';

const { main } = readTargets().pg;
const BY_ID = 'select v from t where id = $1';
const COUNT = 'select count(*) from t';

describe('QueriesController', () => {
  let api: TestApi;
  let admin: InsightClient;
  let viewer: InsightClient;
  let database: TestDatabase;
  const server = uniqueName('insight-stmts');
  const started = Date.now();

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = new InsightClient(api, await api.adminToken());
    viewer = new InsightClient(api, await api.userToken('insight-viewer', 'viewer'));
    database = await createDatabase(main, 'insight_stmts');
    await adminQuery(main, 'create table t (id int primary key, v int)', [], database.name);
    await adminQuery(main, 'insert into t values (1, 10), (2, 20)', [], database.name);
    await admin.createServer(monitorBody(server, main));
    await admin.snapshot(server);
  });

  after(async () => {
    await api?.close();
    await database?.drop();
  });

  describe('GET /server/{server_name}/queries', () => {
    it('returns calls: 500 for exactly 500 executions between two snapshots', async () => {
      await repeat(main, database.name, BY_ID, 500, [1]);
      await admin.snapshot(server);
      const answer = await viewer.queries(server, { ...since(started), database: database.name });
      assert.equal(answer.available, true);
      assert.equal(answer.aggregation, 'raw');
      const [entry, ...more] = entriesOf(answer, BY_ID);
      assert.equal(more.length, 0);
      assert.equal(entry?.calls, 500);
      assert.equal(entry?.rows, 500);
      assert.equal(entry?.database, database.name);
      assert.equal(entry?.user, main.superuser);
      assert.equal(entry?.toplevel, true);
      assert.match(entry?.queryid ?? '', /^-?\d+$/);
      assert.ok((entry?.total_exec_time_ms ?? 0) > 0);
      assert.equal(
        entry?.mean_exec_time_ms,
        Math.round(((entry?.total_exec_time_ms ?? 0) / 500) * 1000) / 1000,
      );
      // Nothing else ran in this database between the snapshots.
      assert.equal(answer.totals.calls, 500);
      assert.equal(entry?.share_of_total_time, 1);
    });

    it('returns one raw point of 500 calls in the statement’s timeline', async () => {
      const answer = await viewer.queries(server, { ...since(started), database: database.name });
      const queryid = entriesOf(answer, BY_ID)[0]?.queryid ?? '';
      const statement = await viewer.statement(server, queryid, since(started));
      assert.equal(statement.query, BY_ID);
      assert.equal(statement.aggregation, 'raw');
      assert.deepEqual(
        statement.timeline.map((point) => point.calls),
        [500],
      );
      assert.deepEqual(statement.series, [
        { database: database.name, user: main.superuser, toplevel: true },
      ]);
      assert.equal(statement.totals.calls, 500);
    });

    it('returns the statements sorted, filtered and limited as asked', async () => {
      await repeat(main, database.name, COUNT, 20);
      await admin.snapshot(server);
      const period = { ...since(started), database: database.name };
      const byCalls = await viewer.queries(server, { ...period, sort: 'calls' });
      assert.deepEqual(
        byCalls.queries.map((entry) => [entry.query, entry.calls]),
        [
          [BY_ID, 500],
          [COUNT, 20],
        ],
      );
      assert.equal(byCalls.totals.calls, 520);
      const limited = await viewer.queries(server, { ...period, sort: 'calls', limit: '1' });
      assert.deepEqual(
        limited.queries.map((entry) => entry.query),
        [BY_ID],
      );
      assert.equal(limited.totals.calls, 520, 'totals cover every statement, not only the listed');
      const mine = await viewer.queries(server, { ...period, user: main.superuser });
      assert.equal(mine.totals.calls, 520);
      const nobody = await viewer.queries(server, { ...period, user: 'nobody-at-all' });
      assert.deepEqual([nobody.queries, nobody.totals.calls], [[], 0]);
      const elsewhere = await viewer.queries(server, { ...since(started), database: 'no_such_db' });
      assert.deepEqual(elsewhere.queries, []);
    });

    it('returns the whole server when no filter is given, the other row included', async () => {
      const answer = await viewer.queries(server, { ...since(started), limit: '500' });
      assert.ok(answer.totals.calls >= 520);
      const summed = answer.queries.reduce((sum, entry) => sum + entry.calls, 0);
      assert.ok(summed <= answer.totals.calls);
      for (const entry of answer.queries)
        assert.ok(entry.calls >= 0 && entry.total_exec_time_ms >= 0);
    });

    it('answers 422 for a bad sort, limit or date, and a period longer than the retention', async () => {
      const path = `/server/${server}/queries`;
      const cases: [Record<string, string>, string][] = [
        [{ sort: 'slowest' }, 'query.sort'],
        [{ limit: '0' }, 'query.limit'],
        [{ limit: '501' }, 'query.limit'],
        [{ limit: 'ten' }, 'query.limit'],
        [{ start_date: 'yesterday' }, 'query.start_date'],
        [{ start_date: '2025-06-04', end_date: '2025-06-03' }, 'query.start_date'],
        [{ start_date: '2025-01-01', end_date: '2025-03-01' }, 'query.start_date'],
      ];
      for (const [query, loc] of cases)
        assert.deepEqual(
          issueLocations(await viewer.get(path, query)),
          [loc],
          JSON.stringify(query),
        );
    });

    it('answers 404 for an unknown server', async () => {
      const response = await viewer.get('/server/no-such-server/queries');
      assert.equal(response.status, 404, response.text);
    });
  });

  describe('GET /server/{server_name}/queries/{queryid}', () => {
    it('answers 404 for a statement never seen and 422 for a queryid that is not one', async () => {
      const never = await viewer.get(`/server/${server}/queries/1234567890123`);
      assert.equal(never.status, 404, never.text);
      assert.deepEqual(issueLocations(await viewer.get(`/server/${server}/queries/drop-table`)), [
        'path.queryid',
      ]);
      const unknown = await viewer.get('/server/no-such-server/queries/1');
      assert.equal(unknown.status, 404, unknown.text);
    });
  });

  describe('GET /metrics', () => {
    it('returns the snapshots’ cost and what they read', async () => {
      await api.app.get(TaskScheduler).runNow('statements', (await admin.server(server)).id);
      const response = await admin.get('/metrics');
      assert.equal(response.status, 200, response.text);
      const families = parsePrometheus(response.text);
      const find = (name: string) => families.find((family) => family.name === name);
      const cpu = find('pgmon_collector_task_cpu_seconds_total');
      assert.ok(cpu?.metrics.some((metric) => metric.labels?.task === 'statements'));
      assert.match(
        response.text,
        /pgmon_collector_task_duration_seconds_count\{task="statements"\} [1-9]/,
      );
      const entries = find('pgmon_statements_entries')?.metrics.find(
        (metric) => metric.labels?.server === server,
      );
      assert.ok(Number(entries?.value) > 0, JSON.stringify(entries));
      assert.ok(find('pgmon_insight_rows_written_total'));
    });
  });
});
