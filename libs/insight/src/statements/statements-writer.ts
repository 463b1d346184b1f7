import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { hourOf } from '#history';
import { StoreService, type Database, type StatementMetricColumns } from '#store';
import { METRIC_COLUMNS, type IntervalRows } from './interval-rows.js';
import { decodeReading, encodeReading } from './reading-codec.js';
import { entryKey, type EntryNames, type StatementsReading } from './statement-reading.js';
import type { Unavailable } from './statements-availability.js';

/** Rows per insert statement (SQLite allows 32,766 parameters per statement). */
const CHUNK = 500;
/** The identity of the series that carries what was outside the top of each interval. */
export const OTHER_QUERYID = 'other';

/** What one successful reading writes. */
export interface ReadingWrite {
  serverId: number;
  /** pgmon's clock when the reading was taken (the time periods are asked in). */
  ts: number;
  reading: StatementsReading;
  names: Map<string, EntryNames>;
  intervalMs: number | null;
  evictions: number | null;
  rows: IntervalRows | null;
}

/** The collector's side of the statements history in the store. */
@Injectable()
export class StatementsWriter {
  /** The last reading written by this process per server: decoded once, not at every run. */
  private readonly lastReadings = new Map<number, { ts: number; reading: StatementsReading }>();

  constructor(private readonly store: StoreService) {}

  /** The last reading of the server (written by any collector), to difference against. */
  async lastReading(serverId: number): Promise<StatementsReading | undefined> {
    const state = await this.store.db
      .selectFrom('statement_state')
      .select('reading_ts')
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    if (state?.reading_ts === null || state?.reading_ts === undefined) return undefined;
    const ts = Number(state.reading_ts);
    const cached = this.lastReadings.get(serverId);
    if (cached?.ts === ts) return cached.reading;
    const row = await this.store.db
      .selectFrom('statement_state')
      .select('reading')
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    return row?.reading ? decodeReading(row.reading) : undefined;
  }

  /** Writes a reading in one transaction: snapshot, series, interval rows, hourly rollup, state. */
  async write(write: ReadingWrite): Promise<number> {
    const blob = encodeReading(write.reading);
    const written = await this.store.db.transaction().execute(async (trx) => {
      const snapshot = await trx
        .insertInto('statement_snapshots')
        .values({
          server_id: write.serverId,
          ts: write.ts,
          interval_ms: write.intervalMs,
          entries: write.reading.entries.length,
          evictions: write.evictions,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rows = write.rows ? await this.writeRows(trx, write, Number(snapshot.id)) : 0;
      await trx
        .insertInto('statement_state')
        .values({
          server_id: write.serverId,
          ...availableState(write.ts),
          reading_ts: write.ts,
          reading: blob,
        })
        .onConflict((oc) =>
          oc.column('server_id').doUpdateSet({
            ...availableState(write.ts),
            reading_ts: write.ts,
            reading: blob,
          }),
        )
        .execute();
      return rows;
    });
    this.lastReadings.set(write.serverId, { ts: write.ts, reading: write.reading });
    return written;
  }

  /** Remembers that pg_stat_statements cannot be read (the routes say so). */
  async recordUnavailable(
    serverId: number,
    unavailable: Unavailable,
    now = Date.now(),
  ): Promise<void> {
    const state = {
      checked_at: now,
      available: 0,
      reason_code: unavailable.code,
      reason: unavailable.reason,
    };
    await this.store.db
      .insertInto('statement_state')
      .values({ server_id: serverId, ...state, reading_ts: null, reading: null })
      .onConflict((oc) => oc.column('server_id').doUpdateSet(state))
      .execute();
  }

  /** Of these queryids, those without a stored text. */
  async withoutText(serverId: number, queryids: string[]): Promise<string[]> {
    if (queryids.length === 0) return [];
    const known = new Set<string>();
    for (const chunk of chunks(queryids)) {
      const rows = await this.store.db
        .selectFrom('statement_texts')
        .select('queryid')
        .where('server_id', '=', serverId)
        .where('queryid', 'in', chunk)
        .execute();
      for (const row of rows) known.add(row.queryid);
    }
    return queryids.filter((queryid) => !known.has(queryid));
  }

  async insertTexts(
    serverId: number,
    texts: { queryid: string; query: string; truncated: boolean }[],
    now = Date.now(),
  ): Promise<void> {
    for (const chunk of chunks(texts)) {
      await this.store.db
        .insertInto('statement_texts')
        .values(
          chunk.map((text) => ({
            server_id: serverId,
            queryid: text.queryid,
            query: text.query,
            truncated: text.truncated ? 1 : 0,
            first_seen_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['server_id', 'queryid']).doNothing())
        .execute();
    }
  }

  /** The interval's series, rows and hourly sums; returns the number of rows. */
  private async writeRows(
    trx: Transaction<Database>,
    write: ReadingWrite,
    snapshotId: number,
  ): Promise<number> {
    const rows = write.rows;
    if (!rows) return 0;
    const ids = await this.seriesIds(trx, write);
    const measured: { seriesId: number; metrics: StatementMetricColumns }[] = rows.top.map(
      ({ delta, metrics }) => ({ seriesId: ids.get(entryKey(delta.entry)) ?? 0, metrics }),
    );
    if (rows.other) measured.push({ seriesId: ids.get(OTHER_KEY) ?? 0, metrics: rows.other });
    const hour = hourOf(write.ts);
    for (const chunk of chunks(measured)) {
      await trx
        .insertInto('statement_samples')
        .values(
          chunk.map((row) => ({
            snapshot_id: snapshotId,
            series_id: row.seriesId,
            ...row.metrics,
          })),
        )
        .execute();
      await trx
        .insertInto('statement_hourly')
        .values(chunk.map((row) => ({ series_id: row.seriesId, hour, ...row.metrics })))
        .onConflict((oc) =>
          oc
            .columns(['series_id', 'hour'])
            .doUpdateSet((eb) =>
              Object.fromEntries(
                METRIC_COLUMNS.map((column) => [
                  column,
                  eb(`statement_hourly.${column}`, '+', eb.ref(`excluded.${column}`)),
                ]),
              ),
            ),
        )
        .execute();
    }
    return measured.length;
  }

  /** Creates or touches the series of the interval's rows; their ids by entry key. */
  private async seriesIds(
    trx: Transaction<Database>,
    write: ReadingWrite,
  ): Promise<Map<string, number>> {
    const values = (write.rows?.top ?? []).map(({ delta }) => {
      const names = write.names.get(entryKey(delta.entry));
      return {
        server_id: write.serverId,
        queryid: delta.entry.queryid,
        dbid: delta.entry.dbid,
        userid: delta.entry.userid,
        toplevel: delta.entry.toplevel,
        datname: names?.datname ?? null,
        usename: names?.usename ?? null,
        first_seen_at: write.ts,
        last_seen_at: write.ts,
      };
    });
    if (write.rows?.other) {
      values.push({
        server_id: write.serverId,
        queryid: OTHER_QUERYID,
        dbid: 0,
        userid: 0,
        toplevel: 2,
        datname: null,
        usename: null,
        first_seen_at: write.ts,
        last_seen_at: write.ts,
      });
    }
    const ids = new Map<string, number>();
    for (const chunk of chunks(values)) {
      const rows = await trx
        .insertInto('statement_series')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['server_id', 'queryid', 'dbid', 'userid', 'toplevel']).doUpdateSet((eb) => ({
            last_seen_at: eb.ref('excluded.last_seen_at'),
            datname: eb.ref('excluded.datname'),
            usename: eb.ref('excluded.usename'),
          })),
        )
        .returning(['id', 'queryid', 'dbid', 'userid', 'toplevel'])
        .execute();
      for (const row of rows) {
        const key = entryKey({
          queryid: row.queryid,
          dbid: Number(row.dbid),
          userid: Number(row.userid),
          toplevel: Number(row.toplevel) as 0 | 1 | 2,
        });
        ids.set(key, Number(row.id));
      }
    }
    return ids;
  }
}

const OTHER_KEY = entryKey({ queryid: OTHER_QUERYID, dbid: 0, userid: 0, toplevel: 2 });

function availableState(now: number) {
  return { checked_at: now, available: 1, reason_code: null, reason: null };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += CHUNK)
    result.push(items.slice(index, index + CHUNK));
  return result;
}
