import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ensureDataDir, type StoreLocation } from '#config';
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

/**
 * Creates the SQLite file with mode 0600 before SQLite opens it (SQLite would create it 0644
 * less the umask) and tightens files an earlier version or a crash left readable by others.
 * SQLite gives the -wal and -shm files it creates the mode of the database file.
 */
function createOwnerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

export interface OpenStore {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** The SQLite connection itself (for PRAGMA data_version), when the store is SQLite. */
  sqlite?: BetterSqlite3.Database;
}

/** Opens the store: SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set. */
export function openStore(location: StoreLocation): OpenStore {
  if (location.kind === 'sqlite') {
    ensureDataDir(dirname(location.file));
    createOwnerOnly(location.file);
    const database = new BetterSqlite3(location.file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
      dialect: 'sqlite',
      sqlite: database,
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
