import { sql, type Kysely } from 'kysely';
import type { INestApplicationContext } from '@nestjs/common';
import { hourOf } from '#history';
import {
  SessionSampleTask,
  StatementsSnapshotTask,
  type ParsedReading,
  type SessionRow,
  type StatementEntry,
} from '#insight';
import type { ServerRecord } from '#servers';
import type { Database, StoreDialect } from '#store';

const MINUTE = 60_000;
const HOUR_MS = 60 * MINUTE;
const DAY = 86_400_000;

/**
 * One day of a busy server, written through the collector tasks' write paths at the default
 * intervals: a reading a minute of `statements` statements that all run in every interval
 * (their ranking drifts, so the top changes), and a session sample every 10 s of `sessions`
 * sessions out of three times as many backends and 40 query texts.
 */
export class InsightDay {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly server: ServerRecord,
    private readonly end: number,
  ) {}

  async statements(statements: number, intervalMs = MINUTE): Promise<number> {
    const task = this.app.get(StatementsSnapshotTask);
    const counters = Array.from({ length: statements }, () => Array.from({ length: 13 }, () => 0));
    let readings = 0;
    for (let ts = this.end - DAY; ts <= this.end; ts += intervalMs, readings++) {
      const minute = Math.floor(ts / MINUTE);
      const entries: StatementEntry[] = counters.map((values, i) => {
        const calls = 1 + (i % 7);
        values[0] = (values[0] ?? 0) + calls;
        values[1] =
          (values[1] ?? 0) + calls * (0.1 + (i % 50) / 10) * (1 + 0.5 * Math.sin(minute / 30 + i));
        values[3] = (values[3] ?? 0) + calls;
        values[4] = (values[4] ?? 0) + 10 * calls;
        values[5] = (values[5] ?? 0) + (i % 3);
        return {
          queryid: String(1_000_000_007n * BigInt(i + 1)),
          dbid: 16384 + (i % 4),
          userid: 10 + (i % 3),
          toplevel: 1,
          counters: [...values],
          statsSince: null,
        };
      });
      await task.ingest(this.server, this.reading(ts, entries), ts);
    }
    return readings;
  }

  async sessions(active: number, intervalMs = 10_000): Promise<number> {
    const task = this.app.get(SessionSampleTask);
    let samples = 0;
    for (let ts = this.end - DAY; ts <= this.end; ts += intervalMs, samples++) {
      const rows = Array.from({ length: active }, (_, s) =>
        session((samples + s * 3) % (3 * active), ts, active),
      );
      await task.ingest(this.server, ts, rows);
    }
    return samples;
  }

  private reading(ts: number, entries: StatementEntry[]): ParsedReading {
    const names = new Map(
      entries.map((entry) => [
        `${entry.queryid}/${entry.dbid}/${entry.userid}/${entry.toplevel}`,
        { datname: `db${entry.dbid - 16384}`, usename: `user${entry.userid - 10}` },
      ]),
    );
    return {
      reading: {
        readAt: ts,
        generation: this.server.generation,
        level: 10,
        postmasterStart: this.end - 30 * DAY,
        statsReset: this.end - 30 * DAY,
        dealloc: 0,
        resetDuringRead: false,
        entries,
        hiddenOwners: [],
      },
      names,
    };
  }
}

const WAITS: [string, string | null, string | null][] = [
  ['active', null, null],
  ['active', 'IO', 'DataFileRead'],
  ['active', 'Lock', 'transactionid'],
  ['active', 'LWLock', 'WALWrite'],
  ['idle in transaction', 'Client', 'ClientRead'],
];

function session(backend: number, ts: number, active: number): SessionRow {
  const [state, waitType, wait] = WAITS[backend % WAITS.length] ?? ['active', null, null];
  return {
    pid: 10_000 + backend,
    backend_start_us: (ts - (ts % DAY) - backend * 1000) * 1000 + backend,
    datname: `db${backend % 4}`,
    usename: `user${backend % 3}`,
    application_name: `app${backend % 5}`,
    client_addr: `10.0.0.${backend % 250}`,
    backend_type: 'client backend',
    state,
    wait_event_type: waitType,
    wait_event: wait,
    query_id: String(-7_000_000_000_000n - BigInt(backend % 40)),
    query: `select * from orders_${backend % 40} where customer_id = $1 and status = $2 order by created_at desc limit 50`,
    xact_start_us: (ts - 1500) * 1000 + 11,
    query_start_us: (ts - 700 - (backend % 9) * 100) * 1000 + 13,
    blocked_by: wait === 'transactionid' ? [10_000 + ((backend + 1) % (3 * active))] : null,
    total: active,
  };
}

/** Copies the last day's hourly rollups to the `days - 1` days before it (long periods to read). */
export async function extendHourly(db: Kysely<Database>, end: number, days: number): Promise<void> {
  const from = hourOf(end - DAY);
  const to = hourOf(end);
  for (let back = 1; back < days; back++) {
    await sql`
      insert into statement_rollups
      select series_id, span_ms, ts - ${back * DAY}, calls, exec_time_us, plan_time_us, rows,
             shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
             temp_blks_read, temp_blks_written, blk_read_time_us, blk_write_time_us, wal_bytes
        from statement_rollups where span_ms = ${HOUR_MS} and ts >= ${from} and ts < ${to}`.execute(
      db,
    );
  }
}

/** Bytes the store's tables of a kind take (SQLite: pages per table; PostgreSQL: with indexes). */
export async function tableBytes(
  db: Kysely<Database>,
  dialect: StoreDialect,
  prefix: string,
): Promise<number> {
  if (dialect === 'postgres') {
    const result = await sql<{ bytes: string | null }>`
      select sum(pg_total_relation_size(c.oid))::text as bytes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and n.nspname = current_schema() and c.relname like ${`${prefix}%`}`.execute(
      db,
    );
    return Number(result.rows[0]?.bytes ?? 0);
  }
  const result = await sql<{ bytes: number | null }>`
    select sum(pgsize) as bytes from dbstat
     where name like ${`${prefix}%`} or name in (
       select name from sqlite_master where tbl_name like ${`${prefix}%`})`.execute(db);
  return Number(result.rows[0]?.bytes ?? 0);
}
