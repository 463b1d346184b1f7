/**
 * pg_stat_statements history on a cluster of this file's own, where resets, restarts and
 * crashes hurt no other test: a reset in the middle of an interval, a clean restart and a
 * crash between snapshots, answers from the store while the server is down, and the extension
 * missing or unreadable (available: false, the failure in /api/collector/status).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TargetFailedError } from '#target-query';
import { adminQuery } from '../support/clusters.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import { entriesOf, InsightClient, repeat, since } from './helpers.js';
import { startOwnCluster, type OwnCluster } from './own-cluster.js';

const WORK = 'work';
const STATEMENT = 'select v from t where id = $1';

interface TaskStatus {
  task: string;
  healthy: boolean;
  last_error: { code: string; message: string } | null;
}

describe('StatementsSnapshotTask', () => {
  let cluster: OwnCluster;
  let api: TestApi;
  let admin: InsightClient;
  let viewer: InsightClient;
  const server = uniqueName('insight-own');
  const started = Date.now();

  before(async () => {
    cluster = await startOwnCluster('insight-own');
    const { target } = cluster;
    await adminQuery(target, `create database ${WORK}`);
    await adminQuery(target, 'create table t (id int primary key, v int)', [], WORK);
    await adminQuery(target, 'insert into t values (1, 1)', [], WORK);
    await adminQuery(target, 'create database bare');
    await adminQuery(target, 'create database locked');
    await adminQuery(target, 'create extension pg_stat_statements', [], 'locked');
    await adminQuery(
      target,
      'revoke all on function pg_stat_statements(boolean) from public',
      [],
      'locked',
    );
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', PG_CONNECT_TIMEOUT_MS: '2000' });
    admin = new InsightClient(api, await api.adminToken());
    viewer = new InsightClient(api, await api.userToken('insight-own-viewer', 'viewer'));
    await admin.createServer(monitorBody(server, target));
    await admin.snapshot(server);
  });

  after(async () => {
    await api?.close();
    await cluster?.stop('immediate');
  });

  /** The calls of STATEMENT per reading, oldest first. */
  async function timeline(): Promise<number[]> {
    const answer = await viewer.queries(server, { ...since(started), database: WORK });
    const queryid = entriesOf(answer, STATEMENT)[0]?.queryid;
    assert.ok(queryid, JSON.stringify(answer.queries));
    const statement = await viewer.statement(server, queryid, {
      ...since(started),
      database: WORK,
    });
    return statement.timeline.map((point) => point.calls);
  }

  /** A snapshot once the pooled connections of a restarted server have been replaced. */
  async function snapshotAfterRestart(): Promise<void> {
    await eventually(
      () =>
        admin.snapshot(server).then(
          () => null,
          (error: unknown) =>
            error instanceof TargetFailedError ? error.failure.code : String(error),
        ),
      (failure) => failure === null,
      20_000,
      'a snapshot after the restart',
      500,
    );
  }

  it('returns only what ran after a pg_stat_statements_reset() in the middle of an interval', async () => {
    await repeat(cluster.target, WORK, STATEMENT, 300, [1]);
    await admin.snapshot(server);
    await repeat(cluster.target, WORK, STATEMENT, 100, [1]);
    await adminQuery(cluster.target, 'select pg_stat_statements_reset()');
    await repeat(cluster.target, WORK, STATEMENT, 200, [1]);
    await admin.snapshot(server);
    // The 100 calls between the last snapshot and the reset are lost, nothing else is.
    assert.deepEqual(await timeline(), [300, 200]);
  });

  it('returns exact calls across a clean restart, and after a crash what ran since', async () => {
    await repeat(cluster.target, WORK, STATEMENT, 40, [1]);
    await admin.snapshot(server);

    await cluster.stop('fast');
    try {
      // Down: the routes answer from the store, and a snapshot says why it failed.
      const down = await viewer.queries(server, { ...since(started), database: WORK });
      assert.equal(entriesOf(down, STATEMENT)[0]?.calls, 540);
      await assert.rejects(admin.snapshot(server), (error: unknown) => {
        assert.ok(error instanceof TargetFailedError);
        assert.equal(error.failure.code, 'connection_refused');
        return true;
      });
    } finally {
      await cluster.start();
    }
    // pg_stat_statements keeps its statistics over a clean restart: they go on counting.
    await repeat(cluster.target, WORK, STATEMENT, 25, [1]);
    await snapshotAfterRestart();

    // A crash loses them: the entry starts again, with what ran since.
    await cluster.stop('immediate');
    await cluster.start();
    await repeat(cluster.target, WORK, STATEMENT, 10, [1]);
    await snapshotAfterRestart();
    assert.deepEqual(await timeline(), [300, 200, 40, 25, 10]);
  });

  describe('GET /server/{server_name}/queries', () => {
    it('answers available: false with the reason and the hint when the extension is missing', async () => {
      const bare = uniqueName('insight-bare');
      await admin.createServer(monitorBody(bare, cluster.target, { database: 'bare' }));
      await assert.rejects(admin.snapshot(bare), (error: unknown) => {
        assert.ok(error instanceof TargetFailedError);
        assert.equal(error.failure.code, 'statements_missing');
        return true;
      });
      const answer = await viewer.queries(bare);
      assert.equal(answer.available, false);
      assert.equal(answer.reason, 'pg_stat_statements is not installed in database "bare"');
      assert.equal(
        answer.hint,
        "CREATE EXTENSION pg_stat_statements in bare; shared_preload_libraries = 'pg_stat_statements'",
      );
      assert.deepEqual(answer.queries, []);
    });

    it('answers available: false when the monitoring role may not read it', async () => {
      const locked = uniqueName('insight-locked');
      await admin.createServer(monitorBody(locked, cluster.target, { database: 'locked' }));
      await assert.rejects(admin.snapshot(locked), TargetFailedError);
      const answer = await viewer.queries(locked);
      assert.equal(answer.available, false);
      assert.match(answer.reason ?? '', /may not read pg_stat_statements/);
      assert.match(answer.hint ?? '', /^GRANT pg_monitor TO/);
    });
  });

  describe('GET /api/collector/status', () => {
    it('returns the failing statements task of a server without the extension', async () => {
      const collecting = await startTestApi({
        STATEMENTS_INTERVAL: '5',
        ACTIVITY_SAMPLE_INTERVAL: '1',
      });
      try {
        const client = new InsightClient(collecting, await collecting.adminToken());
        const bare = uniqueName('insight-bare-status');
        await client.createServer(monitorBody(bare, cluster.target, { database: 'bare' }));
        const tasks = await eventually(
          async () => {
            const response = await client.get('/api/collector/status');
            const body = response.body as { servers: { server: string; tasks: TaskStatus[] }[] };
            return body.servers.find((entry) => entry.server === bare)?.tasks ?? [];
          },
          (found) =>
            found.some((task) => task.task === 'statements' && task.last_error !== null) &&
            found.some((task) => task.task === 'sessions' && task.healthy),
          20_000,
          'the statements failure and a healthy session sampler in the status',
        );
        const statements = tasks.find((task) => task.task === 'statements');
        assert.equal(statements?.last_error?.code, 'statements_missing');
        assert.match(
          statements?.last_error?.message ?? '',
          /CREATE EXTENSION pg_stat_statements in bare/,
        );
      } finally {
        await collecting.close();
      }
    });
  });
});
