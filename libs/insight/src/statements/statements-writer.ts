import { Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import { StoreService, type Database, type StatementMetricColumns } from '#store';
import {
  addMetrics,
  keepTop,
  METRIC_COLUMNS,
  zeroMetrics,
  type IntervalRows,
} from './interval-rows.js';
import { floorTo, HOUR_MS, TILE_MS } from './period-plan.js';
import { decodeReading, encodeReading } from './reading-codec.js';
import {
  entryKey,
  type EntryNames,
  type StatementEntry,
  type StatementsReading,
} from './statement-reading.js';
import type { Unavailable } from './statements-availability.js';

/** Rows per insert statement (SQLite allows 32,766 parameters per statement). */
const CHUNK = 500;
/** The identity of the series that carries what was outside the top of each interval. */
export const OTHER_QUERYID = 'other';
const OTHER: SeriesKey = { queryid: OTHER_QUERYID, dbid: 0, userid: 0, toplevel: 2 };

type SeriesKey = Pick<StatementEntry, 'queryid' | 'dbid' | 'userid' | 'toplevel'>;
type Trx = Transaction<Database>;

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
  /** STATEMENTS_TOP: also how many statements a rollup keeps. */
  top: number;
}

/**
 * The collector's side of the statements history in the store. Writes are few and small per
 * reading: the interval's rows, the rollups of a 10-minute span or an hour that ended, and the
 * reading itself; a series row is touched at most hourly (PostgreSQL would otherwise keep a
 * dead row per update).
 */
@Injectable()
export class StatementsWriter {
  constructor(private readonly store: StoreService) {}

  /**
   * The last reading of the server (written by any collector), to difference against. Read
   * from the store each time: kept decoded per server, a fleet's readings would take memory in
   * proportion to servers times statements.
   */
  async lastReading(serverId: number): Promise<StatementsReading | undefined> {
    const row = await this.store.db
      .selectFrom('statement_state')
      .select('reading')
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    return row?.reading ? decodeReading(row.reading) : undefined;
  }

  /** Writes a reading in one transaction: snapshot, interval rows, rollup of past hours, state. */
  async write(reading: ReadingWrite): Promise<number> {
    const blob = encodeReading(reading.reading);
    const written = await this.store.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('statement_state')
        .select(['reading_ts', 'tiles_rolled_up_to', 'hours_rolled_up_to'])
        .where('server_id', '=', reading.serverId)
        .executeTakeFirst();
      // Times only go forward per server, whichever collector's clock: a reading never lands
      // in a span already rolled up.
      const ts = Math.max(reading.ts, Number(previous?.reading_ts ?? -Infinity) + 1);
      const write = { ...reading, ts };
      const snapshot = await trx
        .insertInto('statement_snapshots')
        .values({
          server_id: write.serverId,
          ts,
          interval_ms: write.intervalMs,
          entries: write.reading.entries.length,
          evictions: write.evictions,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rows = write.rows ? await this.writeRows(trx, write, Number(snapshot.id)) : 0;
      const state = {
        ...availableState(ts),
        tiles_rolled_up_to: await this.rollUpSpans(
          trx,
          write,
          TILE_MS,
          previous?.tiles_rolled_up_to ?? null,
        ),
        hours_rolled_up_to: await this.rollUpSpans(
          trx,
          write,
          HOUR_MS,
          previous?.hours_rolled_up_to ?? null,
        ),
        reading_ts: ts,
        reading: blob,
      };
      await trx
        .insertInto('statement_state')
        .values({ server_id: write.serverId, ...state })
        .onConflict((oc) => oc.column('server_id').doUpdateSet(state))
        .execute();
      return rows;
    });
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
      .values({
        server_id: serverId,
        ...state,
        tiles_rolled_up_to: null,
        hours_rolled_up_to: null,
        reading_ts: null,
        reading: null,
      })
      .onConflict((oc) => oc.column('server_id').doUpdateSet(state))
      .execute();
  }

  /** Of these queryids, those without a stored text. */
  async withoutText(serverId: number, queryids: string[]): Promise<string[]> {
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

  /** The interval's rows; returns how many. */
  private async writeRows(trx: Trx, write: ReadingWrite, snapshotId: number): Promise<number> {
    const rows = write.rows;
    if (!rows) return 0;
    const keyed = rows.top.map(({ delta: { entry }, metrics }) => ({
      key: {
        queryid: entry.queryid,
        dbid: entry.dbid,
        userid: entry.userid,
        toplevel: entry.toplevel,
      },
      metrics,
    }));
    if (rows.other) keyed.push({ key: OTHER, metrics: rows.other });
    const ids = await this.seriesIds(
      trx,
      write,
      keyed.map((row) => row.key),
    );
    for (const chunk of chunks(keyed)) {
      await trx
        .insertInto('statement_samples')
        .values(
          chunk.map((row) => ({
            snapshot_id: snapshotId,
            series_id: ids.get(entryKey(row.key)) ?? 0,
            ...row.metrics,
          })),
        )
        .execute();
    }
    return keyed.length;
  }

  /**
   * The ids of the series, created when new; the last-seen time of existing ones (which keeps
   * them from retention) and their names are refreshed once an hour.
   */
  private async seriesIds(
    trx: Trx,
    write: ReadingWrite,
    keys: SeriesKey[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const stale: SeriesKey[] = [];
    const wanted = new Set(keys.map(entryKey));
    for (const chunk of chunks([...new Set(keys.map((key) => key.queryid))])) {
      const rows = await trx
        .selectFrom('statement_series')
        .select(['id', 'queryid', 'dbid', 'userid', 'toplevel', 'last_seen_at'])
        .where('server_id', '=', write.serverId)
        .where('queryid', 'in', chunk)
        .execute();
      for (const row of rows) {
        const key = {
          queryid: row.queryid,
          dbid: Number(row.dbid),
          userid: Number(row.userid),
          toplevel: Number(row.toplevel) as 0 | 1 | 2,
        };
        if (!wanted.has(entryKey(key))) continue;
        ids.set(entryKey(key), Number(row.id));
        if (Number(row.last_seen_at) < write.ts - HOUR_MS) stale.push(key);
      }
    }
    const missing = keys.filter((key) => !ids.has(entryKey(key)));
    for (const chunk of chunks(missing)) {
      const inserted = await trx
        .insertInto('statement_series')
        .values(
          chunk.map((key) => ({
            server_id: write.serverId,
            ...key,
            ...this.names(write, key),
            first_seen_at: write.ts,
            last_seen_at: write.ts,
          })),
        )
        .returning('id')
        .execute();
      inserted.forEach((row, index) => ids.set(entryKey(chunk[index] ?? OTHER), Number(row.id)));
    }
    for (const key of stale) {
      await trx
        .updateTable('statement_series')
        .set({ last_seen_at: write.ts, ...this.names(write, key) })
        .where('id', '=', ids.get(entryKey(key)) ?? 0)
        .execute();
    }
    return ids;
  }

  private names(write: ReadingWrite, key: SeriesKey): EntryNames {
    return write.names.get(entryKey(key)) ?? { datname: null, usename: null };
  }

  /**
   * Once a span is over (a reading in a later one), its rows are summed into the rollup of
   * that span (10 minutes, an hour): the top statements of the span and one "other" row.
   * Returns the new mark.
   */
  private async rollUpSpans(
    trx: Trx,
    write: ReadingWrite,
    spanMs: number,
    mark: number | null,
  ): Promise<number> {
    const current = floorTo(write.ts, spanMs);
    const from = mark === null ? current : Number(mark);
    if (current <= from) return from;
    const readings = await trx
      .selectFrom('statement_snapshots')
      .select('ts')
      .where('server_id', '=', write.serverId)
      .where('ts', '>=', from)
      .where('ts', '<', current)
      .where('interval_ms', 'is not', null)
      .execute();
    const spans = [...new Set(readings.map((row) => floorTo(Number(row.ts), spanMs)))];
    for (const span of spans) await this.rollUpSpan(trx, write, spanMs, span);
    return current;
  }

  private async rollUpSpan(
    trx: Trx,
    write: ReadingWrite,
    spanMs: number,
    span: number,
  ): Promise<void> {
    const sums = await trx
      .selectFrom('statement_snapshots as n')
      .innerJoin('statement_samples as r', 'r.snapshot_id', 'n.id')
      .innerJoin('statement_series as s', 's.id', 'r.series_id')
      .where('n.server_id', '=', write.serverId)
      .where('n.ts', '>=', span)
      .where('n.ts', '<', span + spanMs)
      .select([
        'r.series_id',
        's.queryid',
        ...METRIC_COLUMNS.map((column) => sql<number>`sum(${sql.ref(`r.${column}`)})`.as(column)),
      ])
      .groupBy(['r.series_id', 's.queryid'])
      .execute();
    const measured = sums.map((row) => {
      const metrics = zeroMetrics();
      for (const column of METRIC_COLUMNS) metrics[column] = Number(row[column]);
      return { seriesId: Number(row.series_id), other: row.queryid === OTHER_QUERYID, metrics };
    });
    const kept = keepTop(
      measured.filter((row) => !row.other),
      write.top,
      (row) => String(row.seriesId),
    );
    const outside = measured.filter((row) => row.other);
    const rows: { seriesId: number; metrics: StatementMetricColumns }[] = [...kept.top];
    if (kept.other || outside.length > 0) {
      const other = zeroMetrics();
      for (const row of outside) addMetrics(other, row.metrics);
      if (kept.other) addMetrics(other, kept.other);
      const otherId =
        outside[0]?.seriesId ??
        (await this.seriesIds(trx, write, [OTHER])).get(entryKey(OTHER)) ??
        0;
      rows.push({ seriesId: otherId, metrics: other });
    }
    for (const chunk of chunks(rows)) {
      await trx
        .insertInto('statement_rollups')
        .values(
          chunk.map((row) => ({
            series_id: row.seriesId,
            span_ms: spanMs,
            ts: span,
            ...row.metrics,
          })),
        )
        .execute();
    }
  }
}

function availableState(now: number) {
  return { checked_at: now, available: 1, reason_code: null, reason: null };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += CHUNK)
    result.push(items.slice(index, index + CHUNK));
  return result;
}
