import { Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import { COUNTERS, hourOf, type Counters, type CounterSample } from '#history';
import { StoreService, type CollectorStateTable, type Database } from '#store';

export interface Claim {
  serverId: number;
  dueAt: number;
  sizesDue: boolean;
}

export interface NewSample {
  databaseId: number;
  ts: number;
  numbackends: number;
  counters: Counters;
  statsReset: number | null;
  postmasterStart: number | null;
  sizeBytes: number | null;
}

type Executor = StoreService['db'] | Transaction<Database>;

/** Rows deleted per statement when old history is removed, so reads are never blocked long. */
const RETENTION_BATCH = 5000;

/** The collector's reads and writes in the store. */
@Injectable()
export class CollectorRepository {
  constructor(private readonly store: StoreService) {}

  /** Writes outside a transaction. */
  get executor(): Executor {
    return this.store.db;
  }

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.store.db.transaction().execute(work);
  }

  /** Schedules servers that have no collector state yet, spread over one interval. */
  async scheduleNewServers(intervalMs: number, now = Date.now()): Promise<void> {
    const missing = await this.store.db
      .selectFrom('servers')
      .leftJoin('collector_state', 'collector_state.server_id', 'servers.id')
      .select('servers.id')
      .where('collector_state.server_id', 'is', null)
      .execute();
    for (const { id } of missing) {
      await this.store.db
        .insertInto('collector_state')
        .values({
          server_id: Number(id),
          next_due_at: now + Math.floor(Math.random() * intervalMs),
          next_size_due_at: now,
          consecutive_failures: 0,
        })
        .onConflict((oc) => oc.column('server_id').doNothing())
        .execute();
    }
  }

  /** Samples due later than `intervalMs` from now are moved to now + intervalMs. */
  async pullNextDueWithin(intervalMs: number, now = Date.now()): Promise<void> {
    await this.store.db
      .updateTable('collector_state')
      .set({ next_due_at: now + intervalMs })
      .where('next_due_at', '>', now + intervalMs)
      .execute();
  }

  /**
   * Claims up to `limit` servers whose sample is due. A claim moves the server's next due time
   * forward with a conditional update, so of several collectors exactly one samples it.
   */
  async claimDue(
    owner: string,
    limit: number,
    intervalMs: number,
    sizeIntervalMs: number,
    now = Date.now(),
  ): Promise<Claim[]> {
    const due = await this.store.db
      .selectFrom('collector_state')
      .select(['server_id', 'next_due_at', 'next_size_due_at'])
      .where('next_due_at', '<=', now)
      .orderBy('next_due_at')
      .limit(limit)
      .execute();
    const claims: Claim[] = [];
    for (const row of due) {
      const sizesDue = Number(row.next_size_due_at) <= now;
      const result = await this.store.db
        .updateTable('collector_state')
        .set({
          next_due_at: now + jittered(intervalMs),
          ...(sizesDue && { next_size_due_at: now + sizeIntervalMs }),
          claimed_by: owner,
          claimed_at: now,
          last_attempt_at: now,
        })
        .where('server_id', '=', row.server_id)
        .where('next_due_at', '=', row.next_due_at)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1)
        claims.push({ serverId: Number(row.server_id), dueAt: Number(row.next_due_at), sizesDue });
    }
    return claims;
  }

  /** The database incarnation (server, name, OID): created on first sight, touched after. */
  async identity(
    executor: Executor,
    serverId: number,
    datname: string,
    oid: number,
    ts: number,
  ): Promise<{ id: number; created: boolean }> {
    const existing = await executor
      .selectFrom('monitored_databases')
      .select('id')
      .where('server_id', '=', serverId)
      .where('datname', '=', datname)
      .where('oid', '=', oid)
      .executeTakeFirst();
    if (existing) {
      await executor
        .updateTable('monitored_databases')
        .set({ last_seen_at: ts })
        .where('id', '=', existing.id)
        .execute();
      return { id: Number(existing.id), created: false };
    }
    const inserted = await executor
      .insertInto('monitored_databases')
      .values({
        server_id: serverId,
        datname,
        oid,
        first_seen_at: ts,
        last_seen_at: ts,
        creation_time: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(inserted.id), created: true };
  }

  async setCreationTime(databaseId: number, creationTime: number): Promise<void> {
    await this.store.db
      .updateTable('monitored_databases')
      .set({ creation_time: creationTime })
      .where('id', '=', databaseId)
      .execute();
  }

  /** The newest stored sample of the database, to difference the next one against. */
  async previousSample(
    executor: Executor,
    databaseId: number,
    identity: number,
  ): Promise<CounterSample | undefined> {
    const row = await executor
      .selectFrom('db_samples')
      .selectAll()
      .where('database_id', '=', databaseId)
      .orderBy('ts', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      identity,
      ts: Number(row.ts),
      statsReset: row.stats_reset === null ? null : Number(row.stats_reset),
      postmasterStart: row.postmaster_start === null ? null : Number(row.postmaster_start),
      counters: Object.fromEntries(
        COUNTERS.map((counter) => [counter, Number(row[counter])]),
      ) as Counters,
    };
  }

  /** Inserts the sample; false when that (database, time) was already written (never twice). */
  async insertSample(executor: Executor, sample: NewSample): Promise<boolean> {
    const result = await executor
      .insertInto('db_samples')
      .values({
        database_id: sample.databaseId,
        ts: sample.ts,
        numbackends: sample.numbackends,
        ...sample.counters,
        stats_reset: sample.statsReset,
        postmaster_start: sample.postmasterStart,
        size_bytes: sample.sizeBytes,
      })
      .onConflict((oc) => oc.columns(['database_id', 'ts']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Adds one sample to its hour of the rollup (events are the per-interval differences). */
  async addToHour(executor: Executor, sample: NewSample, events: Counters): Promise<void> {
    const hour = hourOf(sample.ts);
    await executor
      .insertInto('db_hourly')
      .values({
        database_id: sample.databaseId,
        hour,
        samples: 1,
        backends_sum: sample.numbackends,
        backends_max: sample.numbackends,
        backends_min: sample.numbackends,
        size_max: sample.sizeBytes,
        last_ts: sample.ts,
        ...events,
      })
      .onConflict((oc) =>
        oc.columns(['database_id', 'hour']).doUpdateSet((eb) => ({
          samples: eb('db_hourly.samples', '+', 1),
          backends_sum: eb('db_hourly.backends_sum', '+', eb.ref('excluded.backends_sum')),
          backends_max: sql<number>`case when excluded.backends_max > db_hourly.backends_max then excluded.backends_max else db_hourly.backends_max end`,
          backends_min: sql<number>`case when excluded.backends_min < db_hourly.backends_min then excluded.backends_min else db_hourly.backends_min end`,
          size_max: sql<
            number | null
          >`case when db_hourly.size_max is null or excluded.size_max > db_hourly.size_max then coalesce(excluded.size_max, db_hourly.size_max) else db_hourly.size_max end`,
          last_ts: sql<number>`case when excluded.last_ts > db_hourly.last_ts then excluded.last_ts else db_hourly.last_ts end`,
          ...Object.fromEntries(
            COUNTERS.map((counter) => [
              counter,
              eb(`db_hourly.${counter}`, '+', eb.ref(`excluded.${counter}`)),
            ]),
          ),
        })),
      )
      .execute();
  }

  async insertDisk(
    executor: Executor,
    serverId: number,
    ts: number,
    freeBytes: number,
    totalBytes: number,
  ): Promise<void> {
    await executor
      .insertInto('server_disk_samples')
      .values({ server_id: serverId, ts, free_bytes: freeBytes, total_bytes: totalBytes })
      .onConflict((oc) => oc.columns(['server_id', 'ts']).doNothing())
      .execute();
  }

  async state(serverId: number): Promise<CollectorStateTable | undefined> {
    return this.store.db
      .selectFrom('collector_state')
      .selectAll()
      .where('server_id', '=', serverId)
      .executeTakeFirst();
  }

  async recordSuccess(
    serverId: number,
    durationMs: number,
    lagMs: number,
    databases: number,
  ): Promise<void> {
    await this.store.db
      .updateTable('collector_state')
      .set({
        last_success_at: Date.now(),
        last_duration_ms: durationMs,
        sample_lag_ms: lagMs,
        databases,
        consecutive_failures: 0,
        last_error_code: null,
        last_error_message: null,
      })
      .where('server_id', '=', serverId)
      .execute();
  }

  async recordFailure(serverId: number, code: string, message: string): Promise<void> {
    await this.store.db
      .updateTable('collector_state')
      .set((eb) => ({
        last_error_code: code,
        last_error_message: message.slice(0, 500),
        last_error_at: Date.now(),
        consecutive_failures: eb('consecutive_failures', '+', 1),
      }))
      .where('server_id', '=', serverId)
      .execute();
  }

  /** Deletes one batch of samples older than the cutoff; returns how many rows went. */
  async deleteOldSamples(cutoff: number): Promise<number> {
    const result = await sql`
      delete from db_samples where (database_id, ts) in (
        select database_id, ts from db_samples where ts < ${cutoff} limit ${RETENTION_BATCH})`.execute(
      this.store.db,
    );
    return Number(result.numAffectedRows ?? 0n);
  }

  async deleteOldRollupsAndDisk(cutoff: number): Promise<void> {
    await this.store.db.deleteFrom('db_hourly').where('hour', '<', hourOf(cutoff)).execute();
    await this.store.db.deleteFrom('server_disk_samples').where('ts', '<', cutoff).execute();
    await this.store.db
      .deleteFrom('monitored_databases')
      .where('last_seen_at', '<', cutoff)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('db_samples')
              .select('db_samples.ts')
              .whereRef('db_samples.database_id', '=', 'monitored_databases.id'),
          ),
        ),
      )
      .execute();
  }
}

/** The interval with ±10 % jitter, so servers added together drift apart. */
function jittered(intervalMs: number): number {
  return Math.round(intervalMs * (0.9 + Math.random() * 0.2));
}
