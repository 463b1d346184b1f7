import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { StoreService } from '#store';
import { latestPerDatabase, mergeIntoBuckets, samplesToParts } from '../aggregate.js';
import { BUCKET_MS, hourOf } from '../buckets.js';
import { COUNTERS, mapCounters } from '../counters.js';
import type { BucketPart, HistorySample, LatestValues } from '../history-sample.js';
import { type DatabaseInfo, type HistoryData, type HistoryRequest } from './history-source.js';

interface Identity {
  id: number;
  datname: string;
  oid: number;
  first_seen_at: number;
  creation_time: number | null;
}

/**
 * History collected by pgmon, from the store: raw samples for short periods, the hourly rollup
 * for longer ones, so a 30-day timeline reads about 720 rows per database.
 */
@Injectable()
export class StoreHistorySource {
  constructor(private readonly store: StoreService) {}

  async read(request: HistoryRequest): Promise<HistoryData> {
    const identities = await this.identities(request);
    const ids = identities.map((identity) => identity.id);
    const [lastUpdate, timeline, latest] = await Promise.all([
      this.lastUpdate(request),
      ids.length === 0 ? [] : this.timeline(request, identities),
      ids.length === 0 ? [] : this.latest(request, identities),
    ]);
    return {
      source: 'collector',
      lastUpdate,
      databases: databasesOf(identities),
      timeline,
      latest,
    };
  }

  /** The database incarnations of the server with samples overlapping the period. */
  private identities({ server, range, datname }: HistoryRequest): Promise<Identity[]> {
    let query = this.store.db
      .selectFrom('monitored_databases')
      .select(['id', 'datname', 'oid', 'first_seen_at', 'creation_time'])
      .where('server_id', '=', server.id)
      .where('first_seen_at', '<=', range.end)
      .where('last_seen_at', '>=', range.start);
    if (datname !== undefined) query = query.where('datname', '=', datname);
    return query.orderBy('datname').orderBy('first_seen_at').execute();
  }

  private async lastUpdate({ server, datname }: HistoryRequest): Promise<number | null> {
    let query = this.store.db
      .selectFrom('monitored_databases')
      .select((eb) => eb.fn.max('last_seen_at').as('last'))
      .where('server_id', '=', server.id);
    if (datname !== undefined) query = query.where('datname', '=', datname);
    const row = await query.executeTakeFirst();
    return row?.last === null || row?.last === undefined ? null : Number(row.last);
  }

  private async timeline(request: HistoryRequest, identities: Identity[]): Promise<BucketPart[]> {
    const { range } = request;
    if (range.aggregation === 'raw') {
      const samples = await this.rawSamples(identities, range.start, range.end);
      return samplesToParts(samples, range.start, range.end);
    }
    return this.bucketParts(identities, range);
  }

  private async rawSamples(
    identities: Identity[],
    from: number,
    to: number,
  ): Promise<HistorySample[]> {
    const byId = new Map(identities.map((identity) => [identity.id, identity]));
    const [rows, previous] = await Promise.all([
      this.store.db
        .selectFrom('db_samples')
        .selectAll()
        .where('database_id', 'in', [...byId.keys()])
        .where('ts', '>=', from)
        .where('ts', '<=', to)
        .execute(),
      this.samplesBefore([...byId.keys()], from),
    ]);
    return [...previous, ...rows]
      .map((row) => {
        const identity = byId.get(Number(row.database_id)) as Identity;
        return {
          datname: identity.datname,
          identity: Number(identity.oid),
          ts: Number(row.ts),
          numbackends: Number(row.numbackends),
          sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
          statsReset: row.stats_reset === null ? null : Number(row.stats_reset),
          postmasterStart: row.postmaster_start === null ? null : Number(row.postmaster_start),
          creationTime: identity.creation_time,
          counters: mapCounters((counter) => Number(row[counter])),
        };
      })
      .sort((a, b) => a.datname.localeCompare(b.datname) || a.ts - b.ts);
  }

  /**
   * The newest sample before the period of each database, whatever the sampling interval, so
   * the first interval inside the period is counted too.
   */
  private async samplesBefore(databaseIds: number[], before: number) {
    const rows = await Promise.all(
      databaseIds.map((id) =>
        this.store.db
          .selectFrom('db_samples')
          .selectAll()
          .where('database_id', '=', id)
          .where('ts', '<', before)
          .orderBy('ts', 'desc')
          .limit(1)
          .executeTakeFirst(),
      ),
    );
    return rows.filter((row) => row !== undefined);
  }

  /**
   * Timeline buckets from the hourly rollup, grouped by the database in SQL (4-hour and day
   * buckets are whole multiples of an hour, and epoch milliseconds are UTC), so a 30-day
   * period returns 180 rows per database instead of 720.
   */
  private async bucketParts(
    identities: Identity[],
    range: HistoryRequest['range'],
  ): Promise<BucketPart[]> {
    const names = new Map(identities.map((identity) => [identity.id, identity.datname]));
    const size = BUCKET_MS[range.aggregation === 'raw' ? 'hour' : range.aggregation];
    const bucket = sql<number>`hour - (hour % ${sql.lit(size)})`;
    const rows = await this.store.db
      .selectFrom('db_hourly')
      .select((eb) => [
        'database_id',
        bucket.as('bucket'),
        eb.fn.sum<number>('samples').as('samples'),
        eb.fn.sum<number>('backends_sum').as('backends_sum'),
        eb.fn.max('backends_max').as('backends_max'),
        eb.fn.min('backends_min').as('backends_min'),
        eb.fn.max('size_max').as('size_max'),
        ...COUNTERS.map((counter) => eb.fn.sum<number>(counter).as(counter)),
      ])
      .where('database_id', 'in', [...names.keys()])
      .where('hour', '>=', hourOf(range.start))
      .where('hour', '<=', range.end)
      .groupBy(['database_id', bucket])
      .execute();
    const parts = rows.map((row) => ({
      ts: Number(row.bucket),
      datname: names.get(Number(row.database_id)) ?? '',
      samples: Number(row.samples),
      backendsSum: Number(row.backends_sum),
      backendsMax: Number(row.backends_max),
      backendsMin: Number(row.backends_min),
      sizeMax: row.size_max === null ? null : Number(row.size_max),
      events: mapCounters((counter) => Number(row[counter])),
    }));
    // Incarnations of one name (a re-created database) share their buckets.
    return mergeIntoBuckets(parts, range.aggregation);
  }

  /** Per database: the newest sample inside the period and the newest size measured by then. */
  private async latest({ range }: HistoryRequest, identities: Identity[]): Promise<LatestValues[]> {
    const found = await Promise.all(
      identities.map((identity) => this.latestOf(identity, range.start, range.end)),
    );
    return latestPerDatabase(
      found.filter((sample): sample is HistorySample => sample !== undefined),
      range.end,
    );
  }

  private async latestOf(
    identity: Identity,
    start: number,
    end: number,
  ): Promise<HistorySample | undefined> {
    const row = await this.newestSample(identity.id, end, false);
    if (!row || Number(row.ts) < start) return undefined;
    const sized = row.size_bytes === null ? await this.newestSample(identity.id, end, true) : row;
    return {
      datname: identity.datname,
      identity: Number(identity.oid),
      ts: Number(row.ts),
      numbackends: Number(row.numbackends),
      sizeBytes: sized === undefined || sized.size_bytes === null ? null : Number(sized.size_bytes),
      statsReset: null,
      postmasterStart: null,
      counters: mapCounters(() => 0),
    };
  }

  private newestSample(databaseId: number, end: number, withSize: boolean) {
    let query = this.store.db
      .selectFrom('db_samples')
      .select(['ts', 'numbackends', 'size_bytes'])
      .where('database_id', '=', databaseId)
      .where('ts', '<=', end);
    if (withSize) query = query.where('size_bytes', 'is not', null);
    return query.orderBy('ts', 'desc').limit(1).executeTakeFirst();
  }
}

/** One entry per name; a re-created database shows its newest incarnation. */
function databasesOf(identities: Identity[]): DatabaseInfo[] {
  const byName = new Map<string, DatabaseInfo>();
  for (const identity of identities) {
    byName.set(identity.datname, {
      name: identity.datname,
      creationTime: identity.creation_time === null ? null : Number(identity.creation_time),
      firstSeen: Number(identity.first_seen_at),
    });
  }
  return [...byName.values()];
}
