import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Transaction } from 'kysely';
import { BUCKET_MS, type Aggregation } from '#history';
import {
  StoreService,
  type ActivityBackendsTable,
  type ActivitySessionsTable,
  type Database,
} from '#store';
import type { GroupBy } from './session-groups.js';
import type { SessionRow } from './session-sample-sql.js';

type Trx = Transaction<Database>;
const HOUR_MS = 3_600_000;

/** One sampled session read back with what its backend and query rows hold. */
export type StoredSession = Omit<SessionRow, 'backend_start_us' | 'blocked_by' | 'total'> & {
  backend_start_us: number;
  /** Comma-separated pids, as stored. */
  blocked_by: string | null;
};

export type BackendNames = Pick<ActivityBackendsTable, 'datname' | 'usename' | 'application_name'>;

/** Sessions of one group in one bucket, grouped in the store. */
export interface GroupCount {
  bucket: number;
  parts: (string | null)[];
  sessions: number;
}

/** The session history in the store. */
@Injectable()
export class SessionsStore {
  constructor(private readonly store: StoreService) {}

  /** One sample in one transaction; returns the number of session rows. */
  async write(serverId: number, ts: number, rows: SessionRow[]): Promise<number> {
    return this.store.db.transaction().execute(async (trx) => {
      const sample = await trx
        .insertInto('activity_samples')
        .values({ server_id: serverId, ts, sessions: rows[0]?.total ?? 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (rows.length === 0) return 0;
      const backends = await this.backendIds(trx, serverId, ts, rows);
      const queries = await this.queryIds(trx, serverId, ts, rows);
      const sessions: ActivitySessionsTable[] = rows.map((row) => ({
        sample_id: Number(sample.id),
        backend_id: backends.get(backendKey(row)) ?? 0,
        state: row.state,
        wait_event_type: row.wait_event_type,
        wait_event: row.wait_event,
        query_ref: row.query ? (queries.get(queryHash(row)) ?? null) : null,
        xact_start_us: row.xact_start_us,
        query_start_us: row.query_start_us,
        blocked_by: row.blocked_by && row.blocked_by.length > 0 ? row.blocked_by.join(',') : null,
      }));
      await trx.insertInto('activity_sessions').values(sessions).execute();
      return sessions.length;
    });
  }

  /** Samples taken per bucket in [start, end]. */
  async samplesPerBucket(
    serverId: number,
    start: number,
    end: number,
    aggregation: Aggregation,
  ): Promise<Map<number, number>> {
    const bucket = bucketOf(aggregation);
    const rows = await this.store.db
      .selectFrom('activity_samples as s')
      .where('s.server_id', '=', serverId)
      .where('s.ts', '>=', start)
      .where('s.ts', '<=', end)
      .select([bucket.as('bucket'), sql<number>`count(*)`.as('samples')])
      .groupBy(sql.raw('1'))
      .execute();
    return new Map(rows.map((row) => [Number(row.bucket), Number(row.samples)]));
  }

  /** Sessions per bucket and group in [start, end]. */
  async groupCounts(
    serverId: number,
    start: number,
    end: number,
    aggregation: Aggregation,
    groupBy: GroupBy,
  ): Promise<GroupCount[]> {
    const columns = GROUP_COLUMNS[groupBy];
    const rows = await this.store.db
      .selectFrom('activity_sessions as x')
      .innerJoin('activity_samples as s', 's.id', 'x.sample_id')
      .where('s.server_id', '=', serverId)
      .where('s.ts', '>=', start)
      .where('s.ts', '<=', end)
      .select([
        bucketOf(aggregation).as('bucket'),
        ...columns.map((column, index) => sql<string | null>`${sql.ref(column)}`.as(`p${index}`)),
        sql<number>`count(*)`.as('sessions'),
      ])
      .groupBy(columns.map((_, index) => sql.raw(String(index + 2))).concat(sql.raw('1')))
      .execute();
    return rows.map((row) => {
      const record = row as Record<string, unknown>;
      return {
        bucket: Number(record.bucket),
        parts: columns.map((_, index) => {
          const value = record[`p${index}`];
          return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
        }),
        sessions: Number(record.sessions),
      };
    });
  }

  /** query_id and text of stored queries, by id. */
  async queries(ids: number[]): Promise<Map<number, { query_id: string | null; query: string }>> {
    const found = new Map<number, { query_id: string | null; query: string }>();
    if (ids.length === 0) return found;
    const rows = await this.store.db
      .selectFrom('activity_queries')
      .select(['id', 'query_id', 'query'])
      .where('id', 'in', ids)
      .execute();
    for (const row of rows) found.set(Number(row.id), { query_id: row.query_id, query: row.query });
    return found;
  }

  /** Database, user and application of stored backends, by id. */
  async backendNames(ids: number[]): Promise<Map<number, BackendNames>> {
    const found = new Map<number, BackendNames>();
    for (let index = 0; index < ids.length; index += 500) {
      const rows = await this.store.db
        .selectFrom('activity_backends')
        .select(['id', 'datname', 'usename', 'application_name'])
        .where('id', 'in', ids.slice(index, index + 500))
        .execute();
      for (const row of rows) found.set(Number(row.id), row);
    }
    return found;
  }

  /** The sample nearest to `ts` within `withinMs`, or undefined. */
  async nearestSample(
    serverId: number,
    ts: number,
    withinMs: number,
  ): Promise<{ id: number; ts: number; sessions: number } | undefined> {
    const row = await this.store.db
      .selectFrom('activity_samples')
      .select(['id', 'ts', 'sessions'])
      .where('server_id', '=', serverId)
      .where('ts', '>=', ts - withinMs)
      .where('ts', '<=', ts + withinMs)
      .orderBy(sql`abs(ts - ${ts})`)
      .orderBy('ts')
      .limit(1)
      .executeTakeFirst();
    return row && { id: Number(row.id), ts: Number(row.ts), sessions: Number(row.sessions) };
  }

  /** The sessions of one sample, longest-running first. */
  async sessions(sampleId: number): Promise<StoredSession[]> {
    const rows = await this.store.db
      .selectFrom('activity_sessions as x')
      .innerJoin('activity_backends as b', 'b.id', 'x.backend_id')
      .leftJoin('activity_queries as q', 'q.id', 'x.query_ref')
      .where('x.sample_id', '=', sampleId)
      .select([
        'b.pid',
        'b.backend_start_us',
        'b.datname',
        'b.usename',
        'b.application_name',
        'b.client_addr',
        'b.backend_type',
        'x.state',
        'x.wait_event_type',
        'x.wait_event',
        'q.query_id',
        'q.query',
        'x.xact_start_us',
        'x.query_start_us',
        'x.blocked_by',
      ])
      .execute();
    return rows
      .map((row) => ({
        ...row,
        pid: Number(row.pid),
        backend_start_us: Number(row.backend_start_us),
        xact_start_us: numberOrNull(row.xact_start_us),
        query_start_us: numberOrNull(row.query_start_us),
        query_id: row.query_id ?? null,
        query: row.query ?? null,
      }))
      .sort(
        (a, b) => (a.query_start_us ?? Infinity) - (b.query_start_us ?? Infinity) || a.pid - b.pid,
      );
  }

  /**
   * Backends of the sample, created when new; ids by key. The last-seen time that keeps them
   * from retention is refreshed once an hour, not at every sample (PostgreSQL would keep a dead
   * row per update).
   */
  private async backendIds(
    trx: Trx,
    serverId: number,
    ts: number,
    rows: SessionRow[],
  ): Promise<Map<string, number>> {
    const unique = new Map(rows.map((row) => [backendKey(row), row]));
    const existing = await trx
      .selectFrom('activity_backends')
      .select(['id', 'pid', 'backend_start_us', 'application_name', 'last_seen_at'])
      .where('server_id', '=', serverId)
      .where('pid', 'in', [...new Set(rows.map((row) => row.pid))])
      .execute();
    const found = existing
      .map((row) => ({
        key: backendKey({
          pid: Number(row.pid),
          backend_start_us: Number(row.backend_start_us),
          application_name: row.application_name,
        }),
        id: Number(row.id),
        lastSeen: Number(row.last_seen_at),
      }))
      .filter((row) => unique.has(row.key));
    const missing = [...unique.entries()].filter(([key]) => !found.some((row) => row.key === key));
    const created = await this.insertReturningIds(
      trx,
      missing.map(([key, row]) => ({
        key,
        values: {
          server_id: serverId,
          pid: row.pid,
          backend_start_us: row.backend_start_us ?? 0,
          application_name: row.application_name,
          datname: row.datname,
          usename: row.usename,
          client_addr: row.client_addr,
          backend_type: row.backend_type,
          last_seen_at: ts,
        },
      })),
      'activity_backends',
    );
    await this.touch(trx, 'activity_backends', found, ts);
    return new Map([...found.map((row): [string, number] => [row.key, row.id]), ...created]);
  }

  /** Query texts of the sample, stored once per server; ids by hash (touched as backends are). */
  private async queryIds(
    trx: Trx,
    serverId: number,
    ts: number,
    rows: SessionRow[],
  ): Promise<Map<string, number>> {
    const unique = new Map(
      rows.filter((row) => row.query).map((row) => [queryHash(row), row] as const),
    );
    if (unique.size === 0) return new Map();
    const existing = await trx
      .selectFrom('activity_queries')
      .select(['id', 'hash', 'last_seen_at'])
      .where('server_id', '=', serverId)
      .where('hash', 'in', [...unique.keys()])
      .execute();
    const found = existing.map((row) => ({
      key: row.hash,
      id: Number(row.id),
      lastSeen: Number(row.last_seen_at),
    }));
    const created = await this.insertReturningIds(
      trx,
      [...unique.entries()]
        .filter(([hash]) => !found.some((row) => row.key === hash))
        .map(([hash, row]) => ({
          key: hash,
          values: {
            server_id: serverId,
            hash,
            query_id: row.query_id,
            query: row.query ?? '',
            last_seen_at: ts,
          },
        })),
      'activity_queries',
    );
    await this.touch(trx, 'activity_queries', found, ts);
    return new Map([...found.map((row): [string, number] => [row.key, row.id]), ...created]);
  }

  private async insertReturningIds<T extends 'activity_backends' | 'activity_queries'>(
    trx: Trx,
    rows: { key: string; values: Insertable<Database[T]> }[],
    table: T,
  ): Promise<[string, number][]> {
    if (rows.length === 0) return [];
    const inserted = await trx
      .insertInto(table)
      .values(rows.map((row) => row.values))
      .returning('id')
      .execute();
    return inserted.map((row, index) => [rows[index]?.key ?? '', Number(row.id)]);
  }

  private async touch(
    trx: Trx,
    table: 'activity_backends' | 'activity_queries',
    found: { id: number; lastSeen: number }[],
    ts: number,
  ): Promise<void> {
    const stale = found.filter((row) => row.lastSeen < ts - HOUR_MS).map((row) => row.id);
    if (stale.length > 0)
      await trx.updateTable(table).set({ last_seen_at: ts }).where('id', 'in', stale).execute();
  }
}

/**
 * The session columns a grouping reads. Names of the database, user and application are the
 * backend's: sessions are grouped by backend, and the few backends looked up afterwards (a
 * join per session row costs more than the grouping).
 */
const GROUP_COLUMNS: Record<GroupBy, string[]> = {
  wait_event: ['x.state', 'x.wait_event_type', 'x.wait_event'],
  state: ['x.state'],
  query: ['x.query_ref'],
  database: ['x.backend_id'],
  user: ['x.backend_id'],
  application: ['x.backend_id'],
};

/** The bucket of a sample's time; the size is inlined so GROUP BY 1 matches on PostgreSQL. */
function bucketOf(aggregation: Aggregation) {
  if (aggregation === 'raw') return sql<number>`${sql.ref('s.ts')}`;
  const size = sql.lit(BUCKET_MS[aggregation]);
  return sql<number>`${sql.ref('s.ts')} - (${sql.ref('s.ts')} % ${size})`;
}

function backendKey(
  row: Pick<SessionRow, 'pid' | 'backend_start_us' | 'application_name'>,
): string {
  return `${row.pid}/${row.backend_start_us ?? 0}/${row.application_name}`;
}

function queryHash(row: Pick<SessionRow, 'query_id' | 'query'>): string {
  return createHash('sha256')
    .update(`${row.query_id ?? ''}\u0000${row.query ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

function numberOrNull(value: number | null): number | null {
  return value === null ? null : Number(value);
}
