/**
 * pg_stat_statements evicting entries: on the shared `stats` cluster (pg_stat_statements.max
 * = 100), 150 distinct statements of this file's own database compete for the entries. Every
 * interval must count at most what ran in it, never a negative number, and the evictions show
 * in /metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { connect, InsightClient, type QueriesAnswer } from './helpers.js';

const { stats } = readTargets().pg;
const TABLES = 150;

describe('StatementsSnapshotTask', () => {
  let api: TestApi;
  let admin: InsightClient;
  let database: TestDatabase;
  const server = uniqueName('insight-evict');

  /** Runs `select count(*) from t<i>` `times` times for every table. */
  async function round(times: number): Promise<void> {
    const client = await connect(stats, database.name);
    try {
      for (let table = 1; table <= TABLES; table++)
        for (let run = 0; run < times; run++) await client.query(`select count(*) from t${table}`);
    } finally {
      await client.end();
    }
  }

  /** The statements of our database in [from, to]. */
  function between(from: number, to: number): Promise<QueriesAnswer> {
    return admin.queries(server, {
      start_date: new Date(from).toISOString(),
      end_date: new Date(to).toISOString(),
      database: database.name,
      sort: 'calls',
      limit: '500',
    });
  }

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = new InsightClient(api, await api.adminToken());
    database = await createDatabase(stats, 'insight_evict');
    const tables = Array.from(
      { length: TABLES },
      (_, index) => `create table t${index + 1} (v int);`,
    );
    await adminQuery(stats, tables.join('\n'), [], database.name);
    await admin.createServer(monitorBody(server, stats));
    await admin.snapshot(server);
  });

  after(async () => {
    await api?.close();
    await database?.drop();
  });

  describe('with pg_stat_statements.max = 100 and 150 distinct statements', () => {
    it('returns no negative and no inflated calls in any interval', async () => {
      const start = Date.now();
      await round(2);
      await admin.snapshot(server);
      const middle = Date.now();
      await round(3);
      await admin.snapshot(server);
      const end = Date.now();

      for (const [from, to, runs] of [
        [start, middle, 2],
        [middle + 1, end, 3],
      ] as const) {
        const answer = await between(from, to);
        assert.ok(answer.totals.calls > 0, 'the interval counted something');
        assert.ok(
          answer.totals.calls <= TABLES * runs,
          `${answer.totals.calls} > ${TABLES * runs}`,
        );
        for (const entry of answer.queries) {
          assert.ok(entry.calls >= 0 && entry.calls <= runs, JSON.stringify(entry));
          assert.ok(entry.rows >= 0 && entry.rows <= runs, JSON.stringify(entry));
          assert.ok(entry.total_exec_time_ms >= 0, JSON.stringify(entry));
        }
      }
    });

    it('returns the evictions in /metrics', async () => {
      const response = await admin.get('/metrics');
      const evictions = parsePrometheus(response.text)
        .find((family) => family.name === 'pgmon_statements_evictions_total')
        ?.metrics.find((metric) => metric.labels?.server === server);
      assert.ok(Number(evictions?.value) > 0, JSON.stringify(evictions));
    });
  });
});
