/**
 * pgmon's own history store, on SQLite and on PostgreSQL: the stats_db fixture written sample
 * by sample through the collector's write path (CollectorRepository.identity, previousSample,
 * insertSample, counterDeltas, addToHour, in one transaction per reading, exactly as
 * ServerSampler.write does) must read back through the history routes with the same numbers
 * as the seed's stats_db gives; the hourly rollup, the claims of the schedule and the
 * retention are checked in the store itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CollectorRepository, RetentionService, type NewSample } from '#collector';
import { counterDeltas, hourOf, mapCounters, zeroCounters, type Counters } from '#history';
import { StoreService } from '#store';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { BACKENDS } from '../store/store-harness.js';
import {
  backendsAt,
  CREATION_TIME,
  DATABASES,
  datidAt,
  DAY,
  DAY_START,
  GIB,
  HOUR,
  LAST_SAMPLE,
  MIB,
  sampleTs,
  sizeAt,
  statsResetAt,
  xactCommitAt,
  type FixtureDatabase,
} from './fixture.js';
import { fixtureHistoryTests } from './fixture-checks.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { HistoryClient, targets } from './helpers.js';

/** The postmaster start of the fixture's server: before every sample, never changing. */
const POSTMASTER_START = DAY_START - 40 * DAY;

function countersAt(datname: FixtureDatabase, i: number): Counters {
  return mapCounters((counter) => {
    switch (counter) {
      case 'xact_commit':
        return xactCommitAt(datname, i);
      case 'xact_rollback':
        return i;
      case 'blks_read':
        return 5 * i;
      case 'blks_hit':
        return 50 * i;
      case 'temp_files':
      case 'temp_bytes':
      case 'deadlocks':
        return 0;
      default:
        return 10 * i;
    }
  });
}

/** Writes the fixture as the collector writes a reading: one transaction per sample time. */
async function writeFixture(repository: CollectorRepository, serverId: number): Promise<void> {
  const created = new Map<string, number>();
  for (let i = 0; i <= LAST_SAMPLE; i++) {
    const ts = sampleTs(i);
    await repository.transaction(async (trx) => {
      for (const datname of DATABASES) {
        const oid = datidAt(datname, i);
        const identity = await repository.identity(trx, serverId, datname, oid, ts);
        if (identity.created) created.set(`${datname}/${oid}`, identity.id);
        const sample: NewSample = {
          databaseId: identity.id,
          ts,
          numbackends: backendsAt(datname, i),
          counters: countersAt(datname, i),
          statsReset: statsResetAt(datname, i),
          postmasterStart: POSTMASTER_START,
          sizeBytes: sizeAt(datname, i),
        };
        const previous = await repository.previousSample(trx, identity.id, oid);
        if (!(await repository.insertSample(trx, sample))) continue;
        const events = counterDeltas(previous, { ...sample, identity: oid }) ?? zeroCounters();
        await repository.addToHour(trx, sample, events);
      }
    });
  }
  // As ServerSampler.recordCreationTimes does for the incarnations it can read it of.
  await repository.setCreationTime(created.get('app_main/16500') ?? -1, CREATION_TIME.app_main);
  await repository.setCreationTime(created.get('app_reset/16502') ?? -1, CREATION_TIME.app_reset);
}

describe('CollectorRepository', () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let api: TestApi;
      let database: TestDatabase | undefined;
      let client: HistoryClient;
      let admin: HistoryClient;
      let repository: CollectorRepository;
      let store: StoreService;
      let serverId: number;
      const server = uniqueName('hist-store');

      before(async () => {
        database =
          backend === 'PostgreSQL'
            ? await createDatabase(targets.pg.main, 'hist_store')
            : undefined;
        api = await startTestApi({
          COLLECTOR_ENABLED: 'false',
          HISTORY_RETENTION_DAYS: '365',
          DATABASE_URL: database?.url,
        });
        admin = new HistoryClient(api, await api.adminToken());
        client = new HistoryClient(api, await api.userToken('hist-store-viewer', 'viewer'));
        // The monitored server itself is down: everything comes from the store.
        await admin.createServer(
          monitorBody(server, targets.pg.main, { port: targets.closedPort }),
        );
        serverId = await admin.serverId(server);
        repository = api.app.get(CollectorRepository);
        store = api.app.get(StoreService);
        await writeFixture(repository, serverId);
      });

      after(async () => {
        await api?.close();
        await database?.drop();
      });

      const hourly = async (datname: string) =>
        store.db
          .selectFrom('db_hourly')
          .innerJoin('monitored_databases', 'monitored_databases.id', 'db_hourly.database_id')
          .selectAll('db_hourly')
          .select('monitored_databases.oid')
          .where('monitored_databases.server_id', '=', serverId)
          .where('monitored_databases.datname', '=', datname)
          .orderBy('db_hourly.hour')
          .execute();

      describe('HistoryController (collector source)', () => {
        fixtureHistoryTests(() => ({ client, server, source: 'collector', exists: null }));
      });

      describe('addToHour', () => {
        it('returns one row per hour of app_main: 1,100 commits in the first hour, then 1,200', async () => {
          const rows = await hourly('app_main');
          assert.equal(rows.length, 72);
          rows.forEach((row, h) => {
            assert.equal(Number(row.hour), DAY_START + h * HOUR);
            assert.equal(Number(row.samples), 12);
            assert.equal(Number(row.xact_commit), h === 0 ? 1_100 : 1_200);
            assert.equal(Number(row.xact_rollback), h === 0 ? 11 : 12);
            assert.equal(Number(row.size_max), GIB + (12 * h + 11) * MIB);
            assert.equal(Number(row.backends_max), 9);
            assert.equal(Number(row.backends_min), 0);
            let backends = 0;
            for (let i = 12 * h; i < 12 * h + 12; i++) backends += i % 10;
            assert.equal(Number(row.backends_sum), backends);
            assert.equal(Number(row.last_ts), sampleTs(12 * h + 11));
          });
          assert.equal(
            rows.reduce((total, row) => total + Number(row.xact_commit), 0),
            86_300,
          );
        });

        it('returns the rows of app_reset per incarnation, 8,610 commits in all, none negative', async () => {
          const rows = await hourly('app_reset');
          const byOid = (oid: number) => rows.filter((row) => Number(row.oid) === oid);
          assert.equal(byOid(16501).length, 50);
          assert.equal(byOid(16502).length, 22);
          assert.equal(
            rows.reduce((total, row) => total + Number(row.xact_commit), 0),
            8_610,
          );
          const commitsAt = (hour: number) =>
            rows
              .filter((row) => Number(row.hour) === DAY_START + hour * HOUR)
              .map((row) => Number(row.xact_commit));
          assert.deepEqual(commitsAt(36), [110], 'the hour of the counter reset');
          assert.deepEqual(commitsAt(50), [110], 'the first hour of the re-created database');
          for (const row of rows) {
            for (const counter of [
              'xact_commit',
              'xact_rollback',
              'blks_read',
              'blks_hit',
            ] as const)
              assert.ok(Number(row[counter]) >= 0, `${counter} at ${Number(row.hour)}`);
          }
        });

        it('returns the two incarnations of app_reset as two monitored databases', async () => {
          const identities = await store.db
            .selectFrom('monitored_databases')
            .selectAll()
            .where('server_id', '=', serverId)
            .orderBy('datname')
            .orderBy('first_seen_at')
            .execute();
          assert.deepEqual(
            identities.map((row) => [
              row.datname,
              Number(row.oid),
              Number(row.first_seen_at),
              Number(row.last_seen_at),
            ]),
            [
              ['app_main', 16500, sampleTs(0), sampleTs(LAST_SAMPLE)],
              ['app_reset', 16501, sampleTs(0), sampleTs(599)],
              ['app_reset', 16502, sampleTs(600), sampleTs(LAST_SAMPLE)],
            ],
          );
        });
      });

      describe('insertSample', () => {
        it('returns false for a sample that was already written, and keeps the first', async () => {
          const [identity] = await store.db
            .selectFrom('monitored_databases')
            .select('id')
            .where('server_id', '=', serverId)
            .where('datname', '=', 'app_main')
            .execute();
          const databaseId = Number(identity?.id);
          const again: NewSample = {
            databaseId,
            ts: sampleTs(LAST_SAMPLE),
            numbackends: 99,
            counters: countersAt('app_main', 5000),
            statsReset: null,
            postmasterStart: POSTMASTER_START,
            sizeBytes: 1,
          };
          assert.equal(await repository.insertSample(store.db, again), false);
          const row = await store.db
            .selectFrom('db_samples')
            .selectAll()
            .where('database_id', '=', databaseId)
            .where('ts', '=', sampleTs(LAST_SAMPLE))
            .executeTakeFirstOrThrow();
          assert.equal(Number(row.numbackends), LAST_SAMPLE % 10);
          assert.equal(Number(row.xact_commit), xactCommitAt('app_main', LAST_SAMPLE));
          const count = await store.db
            .selectFrom('db_samples')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('database_id', '=', databaseId)
            .executeTakeFirstOrThrow();
          assert.equal(Number(count.n), LAST_SAMPLE + 1);
        });
      });

      describe('HistoryController (samples further apart than an hour)', () => {
        it('returns the commits of the first interval of a period whose previous sample is 2 hours older', async () => {
          // COLLECT_INTERVAL may be up to 86400 s: with 7200 s, samples are 2 hours apart.
          const now = Date.now();
          const times = [now - 6 * HOUR, now - 4 * HOUR, now - 2 * HOUR];
          const commits = [1000, 1600, 2500];
          for (const [k, ts] of times.entries()) {
            await repository.transaction(async (trx) => {
              const identity = await repository.identity(trx, serverId, 'hist_sparse', 777, ts);
              const sample: NewSample = {
                databaseId: identity.id,
                ts,
                numbackends: 1,
                counters: { ...zeroCounters(), xact_commit: commits[k] ?? 0 },
                statsReset: null,
                postmasterStart: POSTMASTER_START,
                sizeBytes: MIB,
              };
              const previous = await repository.previousSample(trx, identity.id, 777);
              assert.ok(await repository.insertSample(trx, sample));
              const events =
                counterDeltas(previous, { ...sample, identity: 777 }) ?? zeroCounters();
              await repository.addToHour(trx, sample, events);
            });
          }
          const view = await client.databaseStats(server, 'hist_sparse', {
            start_date: new Date(now - 4.5 * HOUR).toISOString(),
            end_date: new Date(now).toISOString(),
          });
          assert.equal(view.aggregation, 'raw');
          assert.deepEqual(
            view.timeline.map((point) => point.commits),
            [600, 900],
          );
          assert.equal(view.total_commits, 1500);
          const summary = await client.databaseSummary(server, 'hist_sparse');
          assert.equal(summary.commits, 1500, 'the last 24 hours hold both intervals');
        });
      });

      describe('claimDue', () => {
        const state = () =>
          store.db
            .selectFrom('collector_state')
            .selectAll()
            .where('server_id', '=', serverId)
            .executeTakeFirstOrThrow();

        it('returns the server to exactly one of two collectors claiming it at once', async () => {
          const now = Date.now();
          await repository.scheduleNewServers(5000, now);
          await repository.scheduleNewServers(5000, now);
          const scheduled = await state();
          const due = Number(scheduled.next_due_at);
          assert.ok(due >= now && due < now + 5000, `${due - now}`);
          const later = now + 10_000;
          const [first, second] = await Promise.all([
            repository.claimDue('collector-a', 10, 5000, 600_000, later),
            repository.claimDue('collector-b', 10, 5000, 600_000, later),
          ]);
          const mine = [...first, ...second].filter((claim) => claim.serverId === serverId);
          assert.equal(mine.length, 1, JSON.stringify({ first, second }));
          assert.equal(mine[0]?.dueAt, due);
          assert.equal(mine[0]?.sizesDue, true);
          const claimed = await state();
          assert.equal(claimed.claimed_by, first.length === 1 ? 'collector-a' : 'collector-b');
          const next = Number(claimed.next_due_at);
          assert.ok(next >= later + 4500 && next <= later + 5500, `${next - later}`);
          assert.equal(Number(claimed.next_size_due_at), later + 600_000);
          // Not due again before the next slot.
          assert.deepEqual(
            (await repository.claimDue('collector-a', 10, 5000, 600_000, later + 1000)).filter(
              (claim) => claim.serverId === serverId,
            ),
            [],
          );
        });

        it('returns a claim to a collector whose id is as long as a 63-character host name makes it', async () => {
          // `${hostname()}:${pid}:${uuid8}` on a Kubernetes pod: 63 + 1 + 7 + 1 + 8 characters.
          const owner = `${'pgmon-collector-7d9f8b6c5d-'.padEnd(63, 'x')}:4194304:0123abcd`;
          const later = Date.now() + 86_400_000;
          const claims = await repository.claimDue(owner, 10, 5000, 600_000, later);
          assert.deepEqual(claims.filter((claim) => claim.serverId === serverId).length, 1);
          assert.equal((await state()).claimed_by, owner);
        });
      });

      describe('ServerSampler', () => {
        it('returns the sample of a real server stored for every database, its times in whole milliseconds', async () => {
          const live = uniqueName('hist-store-live');
          await admin.createServer(monitorBody(live, targets.pg.main));
          const liveId = await admin.serverId(live);
          await admin.collect(live);
          const state = await store.db
            .selectFrom('collector_state')
            .selectAll()
            .where('server_id', '=', liveId)
            .executeTakeFirstOrThrow();
          assert.equal(state.last_error_code, null, `${state.last_error_message}`);
          assert.notEqual(state.last_success_at, null);
          const samples = await store.db
            .selectFrom('db_samples')
            .innerJoin('monitored_databases', 'monitored_databases.id', 'db_samples.database_id')
            .select(['monitored_databases.datname', 'db_samples.postmaster_start', 'db_samples.ts'])
            .where('monitored_databases.server_id', '=', liveId)
            .execute();
          const names = samples.map((sample) => sample.datname);
          for (const name of ['postgres', 'appdb']) assert.ok(names.includes(name), name);
          for (const sample of samples) {
            assert.ok(
              Number.isInteger(Number(sample.postmaster_start)),
              `${sample.postmaster_start}`,
            );
            assert.ok(Number.isInteger(Number(sample.ts)));
          }
        });
      });

      describe(RetentionService.name, () => {
        it('returns the number of samples removed: those older than the retention, in batches, and their rollups and disk samples', async () => {
          const now = Date.now();
          const cutoff = now - 365 * DAY;
          const old = await repository.identity(
            store.db,
            serverId,
            'hist_old_db',
            999_001,
            cutoff - DAY,
          );
          const edge = await repository.identity(
            store.db,
            serverId,
            'hist_edge_db',
            999_002,
            cutoff + 60_000,
          );
          const row = (databaseId: number, ts: number) => ({
            database_id: databaseId,
            ts,
            numbackends: 1,
            ...zeroCounters(),
            stats_reset: null,
            postmaster_start: null,
            size_bytes: null,
          });
          const oldRows = Array.from({ length: 6000 }, (_, k) =>
            row(old.id, cutoff - DAY - k * 1000),
          );
          for (let from = 0; from < oldRows.length; from += 500)
            await store.db
              .insertInto('db_samples')
              .values(oldRows.slice(from, from + 500))
              .execute();
          await store.db
            .insertInto('db_samples')
            .values([row(edge.id, cutoff - 60_000), row(edge.id, cutoff + 60_000)])
            .execute();
          const hourRow = (databaseId: number, hour: number) => ({
            database_id: databaseId,
            hour,
            samples: 1,
            backends_sum: 1,
            backends_max: 1,
            backends_min: 1,
            size_max: null,
            last_ts: hour,
            ...zeroCounters(),
          });
          await store.db
            .insertInto('db_hourly')
            .values([
              hourRow(old.id, hourOf(cutoff) - 2 * HOUR),
              hourRow(edge.id, hourOf(cutoff) - HOUR),
              hourRow(edge.id, hourOf(cutoff) + HOUR),
            ])
            .execute();
          await store.db
            .insertInto('server_disk_samples')
            .values([
              { server_id: serverId, ts: cutoff - 60_000, free_bytes: 1, total_bytes: 2 },
              { server_id: serverId, ts: cutoff + 60_000, free_bytes: 1, total_bytes: 2 },
            ])
            .execute();

          const removed = await api.app.get(RetentionService).run(now);

          assert.equal(removed, 6001);
          const samplesOf = async (databaseId: number) =>
            (
              await store.db
                .selectFrom('db_samples')
                .select('ts')
                .where('database_id', '=', databaseId)
                .orderBy('ts')
                .execute()
            ).map((sample) => Number(sample.ts));
          assert.deepEqual(await samplesOf(old.id), []);
          assert.deepEqual(await samplesOf(edge.id), [cutoff + 60_000]);
          const hours = await store.db
            .selectFrom('db_hourly')
            .select(['database_id', 'hour'])
            .where('database_id', 'in', [old.id, edge.id])
            .execute();
          assert.deepEqual(
            hours.map((hour) => Number(hour.hour)),
            [hourOf(cutoff) + HOUR],
          );
          const disk = await store.db
            .selectFrom('server_disk_samples')
            .select('ts')
            .where('server_id', '=', serverId)
            .execute();
          assert.deepEqual(
            disk.map((sample) => Number(sample.ts)),
            [cutoff + 60_000],
          );
          const names = (
            await store.db
              .selectFrom('monitored_databases')
              .select('datname')
              .where('server_id', '=', serverId)
              .execute()
          ).map((identity) => identity.datname);
          assert.ok(
            !names.includes('hist_old_db'),
            'an incarnation without samples left is removed',
          );
          assert.ok(names.includes('hist_edge_db'));
          assert.ok(names.includes('app_main') && names.includes('app_reset'));
        });

        it('returns 0 and keeps the recent history (the fixture) untouched', async () => {
          assert.equal(await api.app.get(RetentionService).run(), 0);
          const rows = await hourly('app_main');
          assert.equal(rows.length, 72);
          const view = await client.databaseStats(server, 'app_main', {
            start_date: new Date(DAY_START).toISOString(),
            end_date: new Date(DAY_START + 3 * DAY).toISOString(),
          });
          assert.equal(view.total_commits, 86_300);
        });
      });
    });
  }
});
