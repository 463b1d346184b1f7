/**
 * Health checks on every major of the version matrix, each driven into warning or critical by a
 * real condition made in a database of this file's own: sessions (a long query, an open and idle
 * transaction, a blocked session), a sequence near its maximum, an invalid, an unused and a
 * redundant index, a table of dead rows; and what the checks say when they cannot read. What
 * differs by version: checkpoints from pg_stat_checkpointer on 17, pg_read_all_data from 14 (a
 * GRANT on the sequence before), pg_locks.waitstart from 14.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { ChecksModule } from '#checks';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody, sshKeyBody } from '../support/server-bodies.js';
import { forEachMajor } from '../support/matrix.js';
import { readTargets } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import {
  connectAs,
  createRole,
  endAll,
  pidOf,
  type TestRole,
} from '../sessions/session-clients.js';
import { addServer, assertStatus, readChecks, runChecks, type CheckView } from './check-runs.js';

const targets = readTargets();

const CHECK_IDS = [
  'server_reachable',
  'disk_free',
  'connections_saturation',
  'long_running_queries',
  'long_transactions',
  'idle_in_transaction',
  'blocked_sessions',
  'xid_wraparound',
  'replication_lag',
  'inactive_replication_slots',
  'sequence_exhaustion',
  'invalid_indexes',
  'unused_indexes',
  'duplicate_indexes',
  'dead_tuples',
  'cache_hit_ratio',
  'checkpoints_requested',
  'statements_available',
];

/** The session checks compare seconds: levels of one second make a real condition reach them quickly. */
const QUICK_CHECKS = [
  'long_running_queries',
  'long_transactions',
  'idle_in_transaction',
  'blocked_sessions',
];

describe(ChecksModule.name, { concurrency: true }, () => {
  // One app for every major (apps started side by side in one process would share process.env
  // while they boot); the CHECK_THRESHOLDS items of each major's servers are gathered first.
  const thresholds: string[] = [];
  let api: TestApi;

  before(async () => {
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      CHECK_THRESHOLDS: thresholds.join(','),
    });
  });

  after(async () => {
    await api?.close();
  });

  forEachMajor((cluster) => {
    // The harness's sshd reads this machine's disks: disk_free is tested on the host's cluster.
    const onHost = cluster.container === null;
    const names = {
      reader: uniqueName('checks-reader'),
      monitorOnly: uniqueName('checks-mon'),
      down: uniqueName('checks-down'),
      ssh: uniqueName('checks-ssh'),
    };
    thresholds.push(
      ...QUICK_CHECKS.map((id) => `${names.reader}/${id}=1:3600`),
      `${names.ssh}/disk_free=1:0`,
    );
    const ids: Record<string, number> = {};
    let database: TestDatabase;
    let closed: TestDatabase;
    let reader: TestRole;
    let app: TestRole;
    const clients: pg.Client[] = [];

    before(async () => {
      database = await createDatabase(cluster, 'checks');
      closed = await createDatabase(cluster, 'checks_closed');
      // pg_read_all_data (14+) lets the monitoring role read sequence values; before 14, a GRANT
      // on the sequence does (see the per-database checks).
      reader = await createRole(
        cluster,
        'checks_reader',
        cluster.versionNum >= 140000 ? ['pg_monitor', 'pg_read_all_data'] : ['pg_monitor'],
      );
      app = await createRole(cluster, 'checks_app');
      ids.reader = await addServer(
        api,
        monitorBody(names.reader, cluster, { user: reader.name, password: reader.password }),
      );
      ids.monitorOnly = await addServer(api, monitorBody(names.monitorOnly, cluster));
      ids.down = await addServer(
        api,
        monitorBody(names.down, cluster, { port: targets.closedPort }),
      );
      if (onHost) ids.ssh = await addServer(api, sshKeyBody(names.ssh, cluster));
    });

    after(async () => {
      await endAll(clients);
      await database?.drop();
      await closed?.drop();
      await reader?.drop();
      await app?.drop();
    });

    const sql = (text: string, on = database) => adminQuery(cluster, text, [], on.name);
    const objectsIn = (check: CheckView, on = database) =>
      check.objects.filter((object) => object.database === on.name);

    describe('GET /server/{name}/checks', () => {
      it('returns checked_at null and no checks before the first evaluation', async () => {
        const answer = await readChecks(api, names.monitorOnly);
        assert.deepEqual(answer, { server: names.monitorOnly, checked_at: null, checks: [] });
      });

      it('returns every check, each with status, value, threshold, message, hint and objects', async () => {
        await runChecks(api, ids.monitorOnly, names.monitorOnly);
        const answer = await readChecks(api, names.monitorOnly);
        assert.deepEqual(
          answer.checks.map((check) => check.id),
          CHECK_IDS,
        );
        assert.ok(Date.now() - Date.parse(answer.checked_at ?? '') < 60_000);
        for (const check of answer.checks) {
          assert.deepEqual(Object.keys(check), [
            'id',
            'status',
            'value',
            'threshold',
            'message',
            'hint',
            'objects',
          ]);
          assert.ok(
            ['ok', 'warning', 'critical', 'unknown'].includes(check.status),
            JSON.stringify(check),
          );
          assert.ok(check.message.length > 0 && check.hint.length > 0, check.id);
          assert.deepEqual(Object.keys(check.threshold), ['warning', 'critical']);
        }
        const byId = Object.fromEntries(answer.checks.map((check) => [check.id, check]));
        assertStatus(byId.server_reachable, 'ok');
        assertStatus(byId.statements_available, 'ok');
        assert.deepEqual(byId.xid_wraparound?.threshold, { warning: 0.5, critical: 0.75 });
        assertStatus(byId.xid_wraparound, 'ok');
        assert.ok(byId.xid_wraparound?.objects.some((object) => object.database === 'postgres'));
        // Every check reads on every major: unknown only for what this setup lacks (SSH) or the
        // role may not see (sequences of other tests' databases), never for a version's catalog.
        for (const check of answer.checks.filter((c) => c.status === 'unknown'))
          assert.match(
            `${check.id}: ${check.message}`,
            /^disk_free: SSH is not configured|^sequence_exhaustion: No sequence is readable/,
          );
      });

      it('returns unknown with the reason, not a failure, for what the monitoring role cannot read', async () => {
        await sql('create sequence hidden_seq');
        const checks = await runChecks(api, ids.monitorOnly, names.monitorOnly);
        const check = assertStatus(checks.sequence_exhaustion, 'unknown');
        assert.match(check.message, /not readable by the monitoring role \(grant pg_read_all_data/);
        assert.equal(check.value, null);
        assertStatus(checks.disk_free, 'unknown');
        assert.match(checks.disk_free?.message ?? '', /SSH is not configured/);
      });

      it('returns server_reachable critical and every other check unknown for a server that does not answer', async () => {
        const checks = await runChecks(api, ids.down, names.down);
        assert.match(
          assertStatus(checks.server_reachable, 'critical').message,
          /^PostgreSQL: connection refused/,
        );
        for (const id of CHECK_IDS.slice(1)) {
          assert.match(
            assertStatus(checks[id], 'unknown').message,
            /^The server could not be read: /,
          );
        }
      });

      it(`returns checkpoints_requested from ${cluster.major >= 17 ? 'pg_stat_checkpointer' : 'pg_stat_bgwriter'}, counting a CHECKPOINT`, async () => {
        const requested = (checks: Record<string, CheckView>) =>
          Number(
            assertStatus(checks.checkpoints_requested, 'ok', 'warning', 'critical').objects[0]
              ?.requested,
          );
        const before = requested(await runChecks(api, ids.monitorOnly, names.monitorOnly));
        await adminQuery(cluster, 'checkpoint');
        // Before 15 the count reaches the statistics through the stats collector, a moment late.
        await eventually(
          () => runChecks(api, ids.monitorOnly, names.monitorOnly),
          (checks) => requested(checks) > before,
          10_000,
          'the CHECKPOINT is counted',
          500,
        );
      });

      it('answers 404 for an unknown server', async () => {
        const response = await api.http
          .get('/server/checks-nobody/checks')
          .set(bearer(await api.adminToken()));
        assert.equal(response.status, 404);
      });
    });

    describe('session checks', () => {
      let sleeper = 0;
      let holder = 0;
      let waiter = 0;
      let checks: Record<string, CheckView>;

      before(async () => {
        await sql('create table queue (id int primary key, v int)');
        await sql('insert into queue values (1, 0)');
        await sql(`grant all on queue to ${app.name}`);
        const [sleeping, holding, waiting] = await Promise.all(
          [0, 1, 2].map(() => connectAs(cluster, app, database.name)),
        );
        clients.push(sleeping, holding, waiting);
        [sleeper, holder, waiter] = await Promise.all([
          pidOf(sleeping),
          pidOf(holding),
          pidOf(waiting),
        ]);
        void sleeping.query('select pg_sleep(60)').catch(() => undefined);
        await holding.query('begin');
        await holding.query('update queue set v = 1 where id = 1');
        void waiting.query('update queue set v = 2 where id = 1').catch(() => undefined);
        await eventually(
          async () =>
            (
              await adminQuery<{ n: number }>(
                cluster,
                'select count(*)::int as n from pg_locks where pid = $1 and not granted',
                [waiter],
              )
            ).rows[0]?.n,
          (n) => n === 1,
          10_000,
          'the waiter waits',
        );
        await new Promise((resolve) => setTimeout(resolve, 1500));
        checks = await runChecks(api, ids.reader, names.reader);
      });

      it('returns long_running_queries warning for a query running past the level, naming its session', () => {
        const check = assertStatus(checks.long_running_queries, 'warning');
        assert.deepEqual(check.threshold, { warning: 1, critical: 3600 });
        const object = check.objects.find((o) => o.pid === sleeper);
        assert.ok(object, JSON.stringify(check));
        assert.equal(object.query, 'select pg_sleep(60)');
        assert.equal(object.user, app.name);
        assert.ok(Number(object.value) >= 1.5);
      });

      it('returns long_transactions and idle_in_transaction warning for the open transaction left idle', () => {
        for (const id of ['long_transactions', 'idle_in_transaction']) {
          const check = assertStatus(checks[id], 'warning');
          assert.ok(
            check.objects.some((o) => o.pid === holder && Number(o.value) >= 1.5),
            JSON.stringify(check),
          );
        }
      });

      it('returns blocked_sessions warning for the session waiting on the row lock, with its blocker', () => {
        const check = assertStatus(checks.blocked_sessions, 'warning');
        const object = check.objects.find((o) => o.pid === waiter);
        assert.ok(object, JSON.stringify(check));
        assert.equal(object.blocked_by, String(holder));
        assert.equal(object.lock, 'ShareLock on transactionid');
      });
    });

    describe('per-database checks', () => {
      let checks: Record<string, CheckView>;

      before(async () => {
        // A sequence on bigint whose integer column runs out first.
        await sql('create sequence narrow_id_seq');
        await sql(`create table narrow (id int default nextval('narrow_id_seq'))`);
        await sql('alter sequence narrow_id_seq owned by narrow.id');
        await sql(`select setval('narrow_id_seq', 2000000000)`);
        if (cluster.versionNum < 140000)
          await sql(`grant select on narrow_id_seq to ${reader.name}`);
        // A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an invalid index behind.
        await sql('create table twice (v int)');
        await sql('insert into twice values (1), (1)');
        await assert.rejects(sql('create unique index concurrently twice_v on twice (v)'));
        // An index never scanned, and one that its wider sibling makes redundant.
        await sql('create table pairs (a int, b int)');
        await sql('create index pairs_a on pairs (a)');
        await sql('create index pairs_a_b on pairs (a, b)');
        await sql('create unique index pairs_a_unique on pairs (a)');
        // Dead rows in a table autovacuum may not touch.
        await sql('create table churn (id int, pad text) with (autovacuum_enabled = false)');
        await sql(`insert into churn select g, 'x' from generate_series(1, 20000) g`);
        await sql('delete from churn where id > 5000');
        // Before 15 the counts reach pg_stat_user_tables through the stats collector, a moment late.
        await eventually(
          () => sql(`select n_dead_tup::int as n from pg_stat_user_tables where relname = 'churn'`),
          (result) => result.rows[0]?.n === 15000,
          10_000,
          'the dead rows are counted',
        );
        // A database that does not accept connections is not visited.
        await sql('create table hidden (v int)', closed);
        await sql('insert into hidden values (1), (1)', closed);
        await assert.rejects(
          sql('create unique index concurrently hidden_v on hidden (v)', closed),
        );
        await adminQuery(cluster, `alter database ${closed.name} allow_connections false`);
        checks = await runChecks(api, ids.reader, names.reader);
      });

      after(async () => {
        await adminQuery(cluster, `alter database ${closed.name} allow_connections true`);
      });

      it('returns sequence_exhaustion critical for a sequence near its column’s maximum', () => {
        const check = assertStatus(checks.sequence_exhaustion, 'critical');
        const [object] = objectsIn(check).filter((o) => o.sequence === 'narrow_id_seq');
        assert.ok(object, JSON.stringify(check));
        assert.deepEqual(
          [object.table, object.column, object.last_value],
          ['narrow', 'id', '2000000000'],
        );
        assert.ok(Math.abs(Number(object.value) - 2000000000 / 2147483646) < 1e-4);
      });

      it('returns invalid_indexes warning naming the index a failed CREATE INDEX CONCURRENTLY left', () => {
        const check = assertStatus(checks.invalid_indexes, 'warning');
        assert.deepEqual(
          objectsIn(check).map((o) => [o.schema, o.table, o.index]),
          [['public', 'twice', 'twice_v']],
        );
        assert.equal(
          objectsIn(check, closed).length,
          0,
          'a database without connections is skipped',
        );
      });

      it('returns unused_indexes warning for indexes never scanned, but not for a unique one', () => {
        const check = assertStatus(checks.unused_indexes, 'warning');
        assert.deepEqual(
          objectsIn(check)
            .map((o) => o.index)
            .sort(),
          ['pairs_a', 'pairs_a_b'],
        );
      });

      it('returns duplicate_indexes warning for the index a wider one covers', () => {
        const check = assertStatus(checks.duplicate_indexes, 'warning');
        assert.deepEqual(
          objectsIn(check)
            .map((o) => [o.index, o.covered_by])
            .sort(),
          [['pairs_a', 'pairs_a_b, pairs_a_unique']],
        );
      });

      it('returns dead_tuples critical for the table of dead rows with autovacuum off', () => {
        const check = assertStatus(checks.dead_tuples, 'critical');
        const [object] = objectsIn(check).filter((o) => o.table === 'churn');
        assert.ok(object, JSON.stringify(check));
        assert.deepEqual(
          [object.dead, object.live, object.autovacuum_enabled, object.value],
          [15000, 5000, false, 0.75],
        );
      });
    });

    if (onHost)
      describe('disk_free over SSH', () => {
        it('returns the free share of the data directory’s filesystem, judged by the levels', async () => {
          const checks = await runChecks(api, ids.ssh, names.ssh);
          // This server's disk_free warns at 100 % free: any real disk reaches it.
          const check = assertStatus(checks.disk_free, 'warning');
          const [object] = check.objects;
          assert.equal(object?.path, cluster.dataDir);
          assert.ok(
            Number(object?.total_bytes) > 0 &&
              Number(object?.free_bytes) <= Number(object?.total_bytes),
          );
          assert.ok((check.value ?? -1) > 0 && (check.value ?? 2) <= 1);
        });
      });

    describe('GET /checks', () => {
      it('returns every server worst first, with its counts and failing checks', async () => {
        const response = await api.http.get('/checks').set(bearer(await api.adminToken()));
        assert.equal(response.status, 200, response.text);
        const fleet = response.body as {
          server: string;
          worst: string;
          counts: Record<string, number>;
          failing: string[];
          checked_at: string | null;
        }[];
        const order = ['critical', 'warning', 'unknown', 'ok'];
        const ranks = fleet.map((entry) => order.indexOf(entry.worst));
        assert.deepEqual(
          ranks,
          [...ranks].sort((a, b) => a - b),
        );
        const down = fleet.find((entry) => entry.server === names.down);
        assert.deepEqual(
          [down?.worst, down?.counts, down?.failing],
          ['critical', { ok: 0, warning: 0, critical: 1, unknown: 17 }, ['server_reachable']],
        );
        const readerEntry = fleet.find((entry) => entry.server === names.reader);
        assert.ok(
          readerEntry?.failing.includes('sequence_exhaustion'),
          JSON.stringify(readerEntry),
        );
        const total = Object.values(readerEntry?.counts ?? {}).reduce((a, b) => a + b, 0);
        assert.equal(total, CHECK_IDS.length);
      });
    });
  });
});
