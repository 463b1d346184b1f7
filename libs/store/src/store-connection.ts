import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { StoreLocation } from '#config';
import type { Database, StoreDialect } from './schema.js';

const INT8_OID = 20;

/** BIGINT columns hold epoch milliseconds and counters that fit a JS number. */
function parseInt8(value: string): number {
  return Number(value);
}

/** Only this pool parses BIGINT as a number; the pg module's global parsers stay untouched. */
function storeTypeParser(oid: number): (value: string) => unknown {
  if (oid === INT8_OID) return parseInt8;
  return pg.types.getTypeParser(oid, 'text') as (value: string) => unknown;
}

/** Opens the store: SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set. */
export function openStore(location: StoreLocation): {
  db: Kysely<Database>;
  dialect: StoreDialect;
} {
  if (location.kind === 'sqlite') {
    mkdirSync(dirname(location.file), { recursive: true, mode: 0o700 });
    const database = new BetterSqlite3(location.file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
      dialect: 'sqlite',
    };
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: 'pgmon-store',
    keepAlive: true,
    types: { getTypeParser: storeTypeParser as pg.CustomTypesConfig['getTypeParser'] },
  });
  // A client losing its connection must not crash the process, idle (the pool's 'error') or
  // checked out between two queries (the client's own 'error', which nobody else listens to
  // then): the query in flight fails, the pool drops the client on release, the next reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
  };
}
