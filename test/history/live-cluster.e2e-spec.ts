/**
 * pgmon's collector against the real `main` cluster, as its pg_monitor-only role: transactions
 * run in a database of the test's own show up as exactly that many commits; a re-created
 * database and a stats reset start new series (never a negative or huge number); and the
 * routes answer from stored data when the server is down or hanging.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreService } from '#store';
import { startTestApi, type TestApi } from '../support/api.js';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { isIsoTimestamp } from '../support/responses.js';
import { monitorBody, superuserBody } from '../support/server-bodies.js';
import { timed } from '../support/timing.js';
import {
  CREATE_TABLE,
  HistoryClient,
  inserts,
  runStatements,
  targets,
  xactCommit,
  type DatabaseHistory,
} from './helpers.js';

const { main } = targets.pg;
const MINUTE = 60_000;
/**
 * PostgreSQL counts one committed transaction for opening a connection (InitPostgres reads the
 * catalogs in a transaction of its own): N statements in autocommit on one new connection are
 * N + 1 commits in pg_stat_database, and pgmon must report what PostgreSQL counted.
 */
const CONNECTION_COMMITS = 1;

describe('HistoryController', () => {
  let api: TestApi;
  let admin: HistoryClient;
  let viewer: HistoryClient;
  const server = uniqueName('hist-live');
  /** The same cluster as its superuser, who may read database creation times. */
  const superServer = uniqueName('hist-live-su');
  /** The same cluster again, sampled only by the summary test. */
  const summaryServer = uniqueName('hist-live-sum');
  const databases: TestDatabase[] = [];
  const started = Date.now();
  // Created before any route asks the server which databases it has (that answer is cached a
  // few seconds), so that `exists` is true for them.
  let liveDb: TestDatabase;
  let summaryDb: TestDatabase;
  let listedDb: TestDatabase;

  async function ownDatabase(prefix: string): Promise<TestDatabase> {
    const database = await createDatabase(main, prefix);
    databases.push(database);
    await runStatements(main, database.name, [CREATE_TABLE]);
    return database;
  }

  /** The raw history of one database since the file started. */
  function rawHistory(name: string, datname: string, from = started): Promise<DatabaseHistory> {
    return viewer.databaseStats(name, datname, {
      start_date: new Date(from - MINUTE).toISOString(),
      end_date: new Date(Date.now() + MINUTE).toISOString(),
    });
  }

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', STATUS_DEADLINE_MS: '1000' });
    admin = new HistoryClient(api, await api.adminToken());
    viewer = new HistoryClient(api, await api.userToken('hist-live-viewer', 'viewer'));
    await admin.createServer(monitorBody(server, main));
    await admin.createServer(superuserBody(superServer, main));
    await admin.createServer(monitorBody(summaryServer, main));
    liveDb = await ownDatabase('hist_live');
    summaryDb = await ownDatabase('hist_summary');
    listedDb = await ownDatabase('hist_listed');
  });

  after(async () => {
    await api?.close();
    for (const database of databases) await database.drop();
  });

  describe('GET /server/{server_name}/db/{db_name}/stats', () => {
    it('returns exactly the N transactions committed in the database between two samples', async () => {
      const N = 25;
      const expected = N + CONNECTION_COMMITS;
      const database = liveDb;
      // Autovacuum may visit the database and commit too: the cluster's own counter tells
      // whether anything besides our N transactions happened between the samples; if so,
      // the measurement is repeated on a fresh pair of samples.
      let attempt = 0;
      let clean = false;
      while (!clean && attempt < 3) {
        attempt++;
        const before = await xactCommit(main, database.name);
        await admin.collect(server);
        await runStatements(main, database.name, inserts(N));
        await admin.collect(server);
        clean = (await xactCommit(main, database.name)) - before === expected;
      }
      assert.ok(clean, 'three attempts disturbed by other transactions in the database');
      const view = await rawHistory(server, database.name);
      assert.equal(view.aggregation, 'raw');
      assert.equal(view.source, 'collector');
      assert.equal(view.exists, true);
      const last = view.timeline.at(-1);
      assert.equal(last?.commits, expected, JSON.stringify(view.timeline));
      assert.ok(view.timeline.every((point) => point.commits >= 0));
      if (attempt === 1) {
        assert.equal(view.timeline.length, 2);
        assert.equal(
          view.timeline[0]?.commits,
          0,
          'the first sample of a database has no interval',
        );
        assert.equal(view.total_commits, expected);
      }
      assert.ok(view.total_size_mb > 0);
      assert.equal(view.last_stat_update, last?.ts);
      assert.equal(view.creation_time, null, 'pg_monitor may not call pg_stat_file');
    });
  });

  describe('GET /server/{server_name}/db/{db_name}', () => {
    it('returns the commits of the last 24 hours, the size and the time of the latest sample', async () => {
      const N = 12;
      const expected = N + CONNECTION_COMMITS;
      const database = summaryDb;
      let attempt = 0;
      let clean = false;
      while (!clean && attempt < 3) {
        attempt++;
        const before = await xactCommit(main, database.name);
        await admin.collect(summaryServer);
        await runStatements(main, database.name, inserts(N));
        await admin.collect(summaryServer);
        clean = (await xactCommit(main, database.name)) - before === expected;
      }
      assert.ok(clean, 'three attempts disturbed by other transactions in the database');
      const history = await rawHistory(summaryServer, database.name);
      const summary = await viewer.databaseSummary(summaryServer, database.name);
      if (attempt === 1) assert.equal(summary.commits, expected);
      assert.equal(summary.commits, history.total_commits);
      assert.ok(summary.size_mb > 0, `size_mb ${summary.size_mb}`);
      assert.ok((summary.size_bytes ?? 0) > 1024 * 1024, 'a database is several MiB');
      assert.equal(
        summary.size_mb,
        Math.round(((summary.size_bytes ?? 0) / 1024 ** 2) * 100) / 100,
      );
      assert.equal(summary.last_update, history.timeline.at(-1)?.ts);
      assert.equal(summary.exists, true);
      assert.equal(summary.source, 'collector');
      assert.equal(typeof summary.connections, 'number');
    });
  });

  describe('GET /server/{server_name}/stats', () => {
    it('returns every database of the cluster, exists true, and the latest totals', async () => {
      const database = listedDb;
      await admin.collect(server);
      const view = await viewer.serverStats(server);
      assert.equal(view.source, 'collector');
      assert.equal(view.aggregation, 'hour');
      const names = view.databases.map((entry) => entry.name);
      for (const name of ['postgres', 'appdb', database.name])
        assert.ok(names.includes(name), name);
      const own = view.databases.find((entry) => entry.name === database.name);
      assert.equal(own?.exists, true);
      assert.equal(own?.creation_time, null, 'pg_monitor may not call pg_stat_file');
      assert.ok(isIsoTimestamp(own?.first_seen));
      assert.ok(view.total_size_gb > 0);
      assert.ok(view.total_connections >= 0);
      assert.ok(isIsoTimestamp(view.last_stat_update));
    });
  });

  describe('a re-created database', () => {
    it('returns two incarnations and no negative or huge commits for the interval of the re-creation', async () => {
      const database = await ownDatabase('hist_recreate');
      await runStatements(main, database.name, inserts(40));
      await admin.collect(server);
      await admin.collect(superServer);
      const firstOid = await oidOf(database.name);
      const dropped = Date.now();
      await adminQuery(main, `DROP DATABASE "${database.name}" WITH (FORCE)`);
      await adminQuery(main, `CREATE DATABASE "${database.name}"`);
      const recreated = Date.now();
      const M = 4 + CONNECTION_COMMITS;
      await runStatements(main, database.name, [CREATE_TABLE, ...inserts(3)]);
      assert.notEqual(await oidOf(database.name), firstOid);
      await admin.collect(server);
      await admin.collect(superServer);

      const store = api.app.get(StoreService);
      const incarnations = await store.db
        .selectFrom('monitored_databases')
        .selectAll()
        .where('server_id', '=', await admin.serverId(server))
        .where('datname', '=', database.name)
        .orderBy('first_seen_at')
        .execute();
      assert.equal(incarnations.length, 2);
      assert.equal(Number(incarnations[0]?.oid), firstOid);
      assert.notEqual(Number(incarnations[1]?.oid), firstOid);

      const view = await rawHistory(server, database.name, dropped - 10 * MINUTE);
      assert.equal(view.timeline.length, 2, JSON.stringify(view.timeline));
      const [before, afterwards] = view.timeline;
      assert.ok(before && afterwards);
      assert.ok(
        afterwards.commits >= 0 && afterwards.commits <= M,
        `${afterwards.commits} commits`,
      );
      assert.ok(view.total_commits <= M);
      const listed = (await viewer.serverStats(server)).databases.find(
        (entry) => entry.name === database.name,
      );
      assert.equal(listed?.first_seen, afterwards.ts, 'first_seen of the new incarnation');
      assert.equal(Number(incarnations[1]?.first_seen_at), Date.parse(afterwards.ts));

      // As superuser, pgmon reads the creation time of each incarnation.
      const su = await viewer.databaseStats(superServer, database.name, {
        start_date: new Date(dropped - 10 * MINUTE).toISOString(),
        end_date: new Date(Date.now() + MINUTE).toISOString(),
      });
      const created = Date.parse(su.creation_time ?? '');
      // PG_VERSION's modification time has a resolution of one second.
      assert.ok(
        created >= Math.floor(dropped / 1000) * 1000 && created <= recreated + 1000,
        `creation_time ${su.creation_time} between ${new Date(dropped).toISOString()} and ${new Date(recreated).toISOString()}`,
      );
      // Knowing the creation time, the interval counts the new database's own commits (M, or
      // a few more if autovacuum visited it): never the old incarnation's 40 and more.
      assert.ok(
        su.timeline.every((point) => point.commits >= 0 && point.commits <= M + 10),
        JSON.stringify(su.timeline.map((point) => point.commits)),
      );
      const suListed = (await viewer.serverStats(superServer)).databases.find(
        (entry) => entry.name === database.name,
      );
      assert.equal(suListed?.creation_time, su.creation_time);
    });
  });

  describe('a stats reset', () => {
    it('returns only the commits made after pg_stat_reset() for the interval of the reset', async () => {
      const database = await ownDatabase('hist_reset');
      await admin.collect(server);
      await runStatements(main, database.name, inserts(30));
      const K = 7;
      await runStatements(main, database.name, ['select pg_stat_reset()', ...inserts(K)]);
      const atReset = await xactCommit(main, database.name);
      await admin.collect(server);
      const afterSample = await xactCommit(main, database.name);
      const view = await rawHistory(server, database.name);
      const last = view.timeline.at(-1);
      assert.ok(last);
      // Since the reset, the cluster counts from zero: the interval holds what it counted.
      assert.ok(last.commits >= atReset && last.commits <= afterSample, `${last.commits} commits`);
      assert.ok(last.commits >= K + 1 && last.commits < 30, `${last.commits} commits`);
      assert.ok(view.timeline.every((point) => point.commits >= 0));
      const stored = await api.app
        .get(StoreService)
        .db.selectFrom('db_samples')
        .innerJoin('monitored_databases', 'monitored_databases.id', 'db_samples.database_id')
        .select(['db_samples.stats_reset', 'db_samples.ts'])
        .where('monitored_databases.datname', '=', database.name)
        .where('monitored_databases.server_id', '=', await admin.serverId(server))
        .orderBy('db_samples.ts')
        .execute();
      const resetAt = stored.at(-1)?.stats_reset;
      assert.ok(resetAt !== null && resetAt !== undefined, 'the sample records the reset time');
      assert.ok(Number(resetAt) > Number(stored.at(-2)?.ts), 'reset between the two samples');
    });
  });

  describe('a server that is down', () => {
    let database: TestDatabase;
    let committed: number;
    const down = uniqueName('hist-live-down');

    before(async () => {
      database = await ownDatabase('hist_down');
      await admin.createServer(monitorBody(down, main));
      await admin.collect(down);
      await runStatements(main, database.name, inserts(5));
      await admin.collect(down);
      committed = (await rawHistory(down, database.name)).total_commits;
    });

    for (const [what, port] of [
      ['refuses connections', () => targets.closedPort],
      ['accepts TCP and never answers', () => targets.silentPort],
    ] as const) {
      it(`returns stored history with exists null, quickly, when the server ${what}`, async () => {
        // A new port needs the password again (it would go to a new place).
        await admin.updateServer(down, { port: port(), password: main.monitorPassword });
        const server = await timed(() => viewer.serverStats(down));
        assert.ok(server.ms < 3000, `GET /server/{name}/stats took ${Math.round(server.ms)} ms`);
        const own = server.value.databases.find((entry) => entry.name === database.name);
        assert.ok(own, 'the database is still listed');
        assert.ok(server.value.databases.every((entry) => entry.exists === null));
        assert.ok(
          server.value.connection_timeline.some((point) => point.datname === database.name),
        );

        const stats = await timed(() => rawHistory(down, database.name));
        assert.ok(
          stats.ms < 3000,
          `GET /server/{name}/db/{db}/stats took ${Math.round(stats.ms)} ms`,
        );
        assert.equal(stats.value.exists, null);
        assert.equal(stats.value.total_commits, committed);
        assert.equal(stats.value.timeline.length, 2);

        const summary = await timed(() => viewer.databaseSummary(down, database.name));
        assert.ok(
          summary.ms < 3000,
          `GET /server/{name}/db/{db} took ${Math.round(summary.ms)} ms`,
        );
        assert.equal(summary.value.exists, null);
        assert.equal(summary.value.commits, committed);
        assert.ok(summary.value.size_mb > 0);
      });
    }
  });
});

async function oidOf(datname: string): Promise<number> {
  const result = await adminQuery<{ oid: string }>(
    main,
    'select oid::text as oid from pg_database where datname = $1',
    [datname],
  );
  return Number(result.rows[0]?.oid);
}
