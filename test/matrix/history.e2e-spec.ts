/**
 * History collection on every major of the version matrix, as the pg_monitor-only role: the
 * collector's sample of pg_stat_database and database sizes, then GET /server/{name}/stats and
 * GET /server/{name}/db/{db}/stats count exactly the transactions committed between two samples,
 * and a stats reset starts a new series (before 15 the statistics reach pg_stat_database through
 * the stats collector, a moment late; from 15 on at once).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { forEachMajor } from '../support/matrix.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { isIsoTimestamp } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import type { MatrixServer } from '../support/targets-info.js';
import {
  CREATE_TABLE,
  HistoryClient,
  inserts,
  runStatements,
  xactCommit,
  type DatabaseHistory,
} from '../history/helpers.js';

const MINUTE = 60_000;
/** A new connection commits one transaction of its own (see test/history/live-cluster). */
const CONNECTION_COMMITS = 1;
/** PGSTAT_STAT_INTERVAL before 15: how old a stats file a reader accepts. */
const STATS_FILE_AGE_MS = 500;

describe('HistoryController', { concurrency: true }, () => {
  let api: TestApi;
  let admin: HistoryClient;
  let viewer: HistoryClient;
  const started = Date.now();

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = new HistoryClient(api, await api.adminToken());
    viewer = new HistoryClient(api, await api.userToken('matrix-history-viewer', 'viewer'));
  });

  after(async () => {
    await api?.close();
  });

  forEachMajor((pg) => {
    const name = uniqueName(`pg${pg.major}-history`);
    let database: TestDatabase;

    before(async () => {
      database = await createDatabase(pg, `matrix_history_${pg.major}`);
      await runStatements(pg, database.name, [CREATE_TABLE]);
      await admin.createServer(monitorBody(name, pg));
    });

    after(async () => {
      await database?.drop();
    });

    function rawHistory(): Promise<DatabaseHistory> {
      return viewer.databaseStats(name, database.name, {
        start_date: new Date(started - MINUTE).toISOString(),
        end_date: new Date(Date.now() + MINUTE).toISOString(),
      });
    }

    describe('GET /server/{server_name}/db/{db_name}/stats', () => {
      it('returns exactly the N transactions committed between two samples, and the size', async () => {
        const N = 20;
        const expected = N + CONNECTION_COMMITS;
        // Autovacuum may commit in the database too: the server's own counter tells whether
        // anything besides the N transactions happened between the samples; if so, again.
        let clean = false;
        for (let attempt = 1; attempt <= 3 && !clean; attempt++) {
          const before = await settledCommits(pg, database.name);
          await admin.collect(name);
          await runStatements(pg, database.name, inserts(N));
          clean = (await settledCommits(pg, database.name)) - before === expected;
          await admin.collect(name);
        }
        assert.ok(clean, 'three attempts disturbed by other transactions in the database');
        const view = await rawHistory();
        assert.equal(view.source, 'collector');
        assert.equal(view.exists, true);
        assert.equal(view.timeline.at(-1)?.commits, expected, JSON.stringify(view.timeline));
        assert.ok(view.timeline.every((point) => point.commits >= 0));
        assert.ok(view.total_size_mb > 0, 'pg_monitor reads database sizes');
        assert.equal(view.creation_time, null, 'pg_monitor may not call pg_stat_file');
      });
    });

    describe('a stats reset', () => {
      it('returns only the commits counted since pg_stat_reset() for the interval of the reset', async () => {
        await admin.collect(name);
        await runStatements(pg, database.name, inserts(30));
        const K = 7;
        await runStatements(pg, database.name, ['select pg_stat_reset()', ...inserts(K)]);
        const atReset = await settledCommits(pg, database.name);
        await admin.collect(name);
        const afterSample = await settledCommits(pg, database.name);
        const view = await rawHistory();
        const last = view.timeline.at(-1);
        assert.ok(last);
        assert.ok(
          last.commits >= atReset && last.commits <= afterSample,
          `${last.commits} commits`,
        );
        assert.ok(last.commits >= K + 1 && last.commits < 30, `${last.commits} commits`);
        assert.ok(view.timeline.every((point) => point.commits >= 0));
      });
    });

    describe('GET /server/{server_name}/stats', () => {
      it('returns every database of the server, sized, with the latest totals', async () => {
        await admin.collect(name);
        const view = await viewer.serverStats(name);
        assert.equal(view.source, 'collector');
        const names = view.databases.map((entry) => entry.name);
        for (const datname of ['postgres', 'appdb', database.name])
          assert.ok(names.includes(datname), datname);
        assert.ok(view.databases.every((entry) => entry.exists === true));
        assert.ok(view.total_size_gb > 0);
        assert.ok(view.total_connections >= 0);
        assert.ok(isIsoTimestamp(view.last_stat_update));
        const status = await admin.collectorStatus();
        const own = status.servers.find((entry) => entry.server === name);
        assert.equal(own?.last_error, null, JSON.stringify(own));
        assert.ok((own?.databases ?? 0) >= 3);
      });
    });
  });
});

/**
 * xact_commit of a database once it counts every session that has ended. Before 15 the counts
 * travel through the stats collector, and a reader accepts its stats file up to 500 ms old:
 * wait that long first.
 */
async function settledCommits(pg: MatrixServer, datname: string): Promise<number> {
  if (pg.major < 15) await sleep(STATS_FILE_AGE_MS + 250);
  return xactCommit(pg, datname);
}
