/**
 * History of a server whose stats_db holds the seed's cron-collected tables (the fixture of
 * test/support/fixtures/stats-db.ts on the `stats` cluster), read as the pg_monitor-only role:
 * known commits per interval, sizes and backends per bucket at every aggregation level, and the
 * fallback to pgmon's own history when the stats_db cannot be read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { DAY, DAY_START, FIXTURE_END } from './fixture.js';
import { fixtureHistoryTests } from './fixture-checks.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { timed } from '../support/timing.js';
import { HistoryClient, period, targets, type ServerHistory } from './helpers.js';

describe('HistoryController', () => {
  let api: TestApi;
  let client: HistoryClient;
  const { stats } = targets.pg;
  const server = uniqueName('hist-statsdb');

  before(async () => {
    // 365 days of retention, so that a 100-day period (aggregated by day) is allowed.
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      HISTORY_RETENTION_DAYS: '365',
      STATUS_DEADLINE_MS: '1000',
    });
    client = new HistoryClient(api, await api.userToken('hist-statsdb-viewer', 'viewer'));
    const admin = new HistoryClient(api, await api.adminToken());
    await admin.createServer(monitorBody(server, stats, { stats_db: 'stats_db' }));
  });

  after(async () => {
    await api?.close();
  });

  describe('stats_db source', () => {
    fixtureHistoryTests(() => ({ client, server, source: 'stats_db', exists: false }));

    describe('GET /server/{server_name}/db/{db_name}/stats', () => {
      it('returns exists true and no history for a database of the server without seed rows', async () => {
        const view = await client.databaseStats(server, 'stats_db', period(DAY_START, FIXTURE_END));
        assert.equal(view.exists, true);
        assert.equal(view.source, 'stats_db');
        assert.equal(view.total_commits, 0);
        assert.deepEqual(view.timeline, []);
        assert.equal(view.last_stat_update, null);
      });
    });

    describe('GET /server/{server_name}/stats', () => {
      it('answers every period of the fixture within a second', async () => {
        for (const days of [1, 3, 30, 100]) {
          const { ms } = await timed(() =>
            client.serverStats(server, period(FIXTURE_END - days * DAY, FIXTURE_END)),
          );
          assert.ok(ms < 1000, `${days} days took ${Math.round(ms)} ms`);
        }
      });
    });
  });

  describe("falling back to pgmon's history", () => {
    const unreachable = uniqueName('hist-statsdb-down');
    /** A new port needs the password again (it would go to a new place). */
    const moveTo = (port: number) => ({ port, password: stats.monitorPassword });
    const noSeedTables = uniqueName('hist-statsdb-noseed');
    const hanging = uniqueName('hist-statsdb-hang');
    let admin: HistoryClient;

    before(async () => {
      admin = new HistoryClient(api, await api.adminToken());
      await admin.createServer(monitorBody(unreachable, stats, { stats_db: 'stats_db' }));
      await admin.createServer(monitorBody(hanging, stats, { stats_db: 'stats_db' }));
      await admin.collect(hanging);
      // appdb exists on the cluster but has no pg_statistics table.
      await admin.createServer(monitorBody(noSeedTables, stats, { stats_db: 'appdb' }));
      await admin.collect(unreachable);
      await admin.collect(noSeedTables);
    });

    describe('GET /server/{server_name}/stats', () => {
      it('returns the collector history of a server whose stats_db has no seed tables', async () => {
        const view = await client.serverStats(noSeedTables);
        assert.equal(view.source, 'collector');
        const names = view.databases.map((database) => database.name);
        for (const name of ['postgres', 'appdb', 'stats_db']) assert.ok(names.includes(name), name);
        assert.ok(view.databases.every((database) => database.exists === true));
        assert.ok(view.connection_timeline.length >= 3);
      });

      it('returns the collector history, exists null, quickly, when the server is down', async () => {
        await admin.updateServer(unreachable, moveTo(targets.closedPort));
        const { value, ms } = await timed(() => client.serverStats(unreachable));
        const view: ServerHistory = value;
        assert.ok(ms < 1500, `answered in ${Math.round(ms)} ms`);
        assert.equal(view.source, 'collector');
        const names = view.databases.map((database) => database.name);
        for (const name of ['postgres', 'appdb', 'stats_db']) assert.ok(names.includes(name), name);
        assert.ok(view.databases.every((database) => database.exists === null));
        assert.ok(view.connection_timeline.some((point) => point.datname === 'stats_db'));
        assert.notEqual(view.last_stat_update, null);
      });
    });

    describe('GET /server/{server_name}/stats (server hanging)', () => {
      it('returns the collector history well under 3 s, each time, when the server accepts TCP and never answers', async () => {
        // PG_CONNECT_TIMEOUT_MS is 3000 here: reading the stats_db may not wait for all of it,
        // just as asking the server which databases exist may not (1.5 s at most).
        await admin.updateServer(hanging, moveTo(targets.silentPort));
        for (let round = 0; round < 2; round++) {
          const { value, ms } = await timed(() => client.serverStats(hanging));
          assert.equal(value.source, 'collector');
          assert.ok(value.databases.every((database) => database.exists === null));
          assert.ok(ms < 2000, `request ${round + 1} answered in ${Math.round(ms)} ms`);
        }
      });
    });

    describe('GET /server/{server_name}/db/{db_name}', () => {
      it('returns the collector summary, exists null, when the server is down', async () => {
        await admin.updateServer(unreachable, moveTo(targets.closedPort));
        const summary = await client.databaseSummary(unreachable, 'stats_db');
        assert.equal(summary.source, 'collector');
        assert.equal(summary.exists, null);
        assert.ok(summary.size_mb > 0);
      });
    });

    describe('GET /server/{server_name}/db/{db_name}/stats', () => {
      it('returns the collector history of one database when the server is down', async () => {
        await admin.updateServer(unreachable, moveTo(targets.closedPort));
        const view = await client.databaseStats(unreachable, 'postgres');
        assert.equal(view.source, 'collector');
        assert.equal(view.exists, null);
        assert.equal(view.timeline.length, 1);
        const missing = await client.databaseStatsResponse(unreachable, 'app_main');
        assert.equal(missing.status, 404, 'no stored history of app_main and nobody to ask');
      });
    });
  });
});
