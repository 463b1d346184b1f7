/**
 * The only history test that stops the shared `volatile` cluster (briefly, mode fast): samples
 * on both sides of a restart make no negative or huge numbers, and while the cluster is down
 * the history routes answer from stored data. The test works in a database of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreService } from '#store';
import { startTestApi, type TestApi } from '../support/api.js';
import {
  createDatabase,
  startCluster,
  stopCluster,
  type TestDatabase,
} from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually, timed } from '../support/timing.js';
import {
  CREATE_TABLE,
  HistoryClient,
  inserts,
  runStatements,
  targets,
  xactCommit,
  type CollectorServerStatus,
} from './helpers.js';

const { volatile } = targets.pg;
const MINUTE = 60_000;

describe('HistoryController', () => {
  let api: TestApi;
  let admin: HistoryClient;
  let viewer: HistoryClient;
  let database: TestDatabase;
  const server = uniqueName('hist-restart');
  const started = Date.now();

  before(async () => {
    await startCluster(volatile);
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', PG_CONNECT_TIMEOUT_MS: '2000' });
    admin = new HistoryClient(api, await api.adminToken());
    viewer = new HistoryClient(api, await api.userToken('hist-restart-viewer', 'viewer'));
    database = await createDatabase(volatile, 'hist_restart');
    await runStatements(volatile, database.name, [CREATE_TABLE]);
    await admin.createServer(monitorBody(server, volatile));
  });

  after(async () => {
    // Whatever happened, leave the cluster running for the other test files.
    await startCluster(volatile);
    await api?.close();
    await database?.drop();
  });

  const status = async (): Promise<CollectorServerStatus | undefined> =>
    (await viewer.collectorStatus()).servers.find((entry) => entry.server === server);

  describe('GET /server/{server_name}/db/{db_name}/stats', () => {
    it('returns no negative or huge commits across a restart, and stored history while the cluster is down', async () => {
      const before = await xactCommit(volatile, database.name);
      await admin.collect(server);
      const K1 = 6;
      await runStatements(volatile, database.name, inserts(K1));

      await stopCluster(volatile, 'fast');
      try {
        // Down: the routes answer from the store, and say they could not ask the server.
        const down = await timed(() => viewer.serverStats(server));
        assert.ok(down.ms < 3000, `answered in ${Math.round(down.ms)} ms`);
        const own = down.value.databases.find((entry) => entry.name === database.name);
        assert.equal(own?.exists, null);
        const summary = await viewer.databaseSummary(server, database.name);
        assert.equal(summary.exists, null);
        assert.ok(summary.size_mb > 0);
        // A sample while it is down fails and says why.
        await admin.collect(server);
        const failed = await status();
        assert.equal(failed?.last_error?.code, 'connection_refused');
        assert.equal(failed?.healthy, false);
      } finally {
        await startCluster(volatile);
      }

      const K2 = 4;
      await runStatements(volatile, database.name, inserts(K2));
      // The pools may still hold connections of the stopped server: sample until one succeeds.
      await eventually(
        async () => {
          await admin.collect(server);
          return (await status())?.last_error;
        },
        (error) => error === null,
        15_000,
        'a successful sample after the restart',
        500,
      );
      const afterwards = await xactCommit(volatile, database.name);

      const view = await viewer.databaseStats(server, database.name, {
        start_date: new Date(started - MINUTE).toISOString(),
        end_date: new Date(Date.now() + MINUTE).toISOString(),
      });
      assert.equal(view.timeline.length, 2, JSON.stringify(view.timeline));
      const commits = view.timeline[1]?.commits ?? NaN;
      // A fast shutdown keeps the statistics: the interval holds both connections' commits
      // (each also commits once when it connects), and at most what the cluster counted.
      assert.ok(commits >= K1 + K2 + 2, `${commits} commits`);
      assert.ok(commits <= afterwards - before, `${commits} > ${afterwards - before}`);
      assert.ok(view.timeline.every((point) => point.commits >= 0 && point.rollbacks >= 0));
      assert.ok(view.timeline.every((point) => point.tup_inserted >= 0));

      const samples = await api.app
        .get(StoreService)
        .db.selectFrom('db_samples')
        .innerJoin('monitored_databases', 'monitored_databases.id', 'db_samples.database_id')
        .select(['db_samples.postmaster_start'])
        .where('monitored_databases.server_id', '=', await admin.serverId(server))
        .where('monitored_databases.datname', '=', database.name)
        .orderBy('db_samples.ts')
        .execute();
      const [first, second] = samples.map((sample) => Number(sample.postmaster_start));
      assert.ok(first && second && second > first, 'the samples record the restart');
    });
  });
});
