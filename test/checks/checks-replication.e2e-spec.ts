/**
 * replication_lag and inactive_replication_slots on the harness's primary and its streaming
 * replica: replay paused on the replica while the primary writes, and the unused slot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChecksModule } from '#checks';
import { startTestApi, type TestApi } from '../support/api.js';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets, type PgTarget } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import { addServer, assertStatus, runChecks } from './check-runs.js';

const targets = readTargets();

/** Primary/replica pairs to test: one per PostgreSQL version the harness runs. */
const PAIRS: { primary: PgTarget; replica: PgTarget; slots: typeof targets.replication }[] = [
  { primary: targets.pg.primary, replica: targets.pg.replica, slots: targets.replication },
];

/** WAL the replica has received but not replayed, in bytes. */
async function unreplayed(replica: PgTarget): Promise<number> {
  const result = await adminQuery<{ lag: number }>(
    replica,
    'select pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as lag',
  );
  return result.rows[0]?.lag ?? 0;
}

describe(ChecksModule.name, () => {
  for (const { primary, replica, slots } of PAIRS) {
    describe(`replication (${primary.name} and ${replica.name})`, () => {
      const names = {
        primary: uniqueName('checks-primary'),
        replica: uniqueName('checks-replica'),
      };
      const ids = { primary: 0, replica: 0 };
      let api: TestApi;
      let database: TestDatabase;

      before(async () => {
        // 100 kB of WAL not replayed is enough to warn on these servers.
        const levels = `${names.primary}/replication_lag=100000:,${names.replica}/replication_lag=100000:`;
        api = await startTestApi({ COLLECTOR_ENABLED: 'false', CHECK_THRESHOLDS: levels });
        ids.primary = await addServer(api, monitorBody(names.primary, primary));
        ids.replica = await addServer(api, monitorBody(names.replica, replica));
        database = await createDatabase(primary, 'checks_repl');
      });

      after(async () => {
        await adminQuery(replica, 'select pg_wal_replay_resume()').catch(() => undefined);
        await api?.close();
        await database?.drop();
      });

      it('returns replication_lag warning on both sides while the replica does not replay', async () => {
        await adminQuery(replica, 'select pg_wal_replay_pause()');
        try {
          await adminQuery(primary, 'create table wal (v text)', [], database.name);
          await adminQuery(
            primary,
            `insert into wal select repeat('x', 100) from generate_series(1, 5000)`,
            [],
            database.name,
          );
          await eventually(
            () => unreplayed(replica),
            (lag) => lag > 200_000,
            10_000,
            'the replica receives without replaying',
          );
          const onPrimary = assertStatus(
            (await runChecks(api, ids.primary, names.primary)).replication_lag,
            'warning',
          );
          assert.ok((onPrimary.value ?? 0) > 100_000, JSON.stringify(onPrimary));
          assert.equal(onPrimary.objects[0]?.state, 'streaming');
          const onReplica = assertStatus(
            (await runChecks(api, ids.replica, names.replica)).replication_lag,
            'warning',
          );
          assert.ok((onReplica.value ?? 0) > 100_000, JSON.stringify(onReplica));
          assert.match(onReplica.message, /replay paused/);
        } finally {
          await adminQuery(replica, 'select pg_wal_replay_resume()');
        }
        await eventually(
          () => unreplayed(replica),
          (lag) => lag === 0,
          10_000,
          'the replica catches up',
        );
        assertStatus((await runChecks(api, ids.replica, names.replica)).replication_lag, 'ok');
      });

      it('returns inactive_replication_slots warning naming the unused slot, not the streaming one', async () => {
        const check = assertStatus(
          (await runChecks(api, ids.primary, names.primary)).inactive_replication_slots,
          'warning',
        );
        assert.deepEqual(
          check.objects.map((object) => object.slot),
          [slots.unusedSlot],
        );
        assert.ok(Number(check.objects[0]?.retained_bytes) > 0);
        assert.match(
          check.message,
          new RegExp(`1 inactive slot keeping .* of WAL: ${slots.unusedSlot}$`),
        );
      });
    });
  }
});
