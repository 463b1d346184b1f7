import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from './store-connection.js';

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Opens a SQLite store at `file` under `umask`, writes once (WAL files appear), closes it. */
async function openAndWrite(file: string, umask: number): Promise<void> {
  const saved = process.umask(umask);
  try {
    const { db } = openStore({ kind: 'sqlite', file });
    await sql`create table if not exists probe (id integer)`.execute(db);
    await sql`insert into probe values (1)`.execute(db);
    // Both WAL files exist while the connection is open.
    for (const suffix of ['-wal', '-shm']) statSync(`${file}${suffix}`);
    await db.destroy();
  } finally {
    process.umask(saved);
  }
}

describe(openStore.name, () => {
  let root: string;
  let counter = 0;
  const newDataDir = () => join(root, `case-${++counter}`, 'data');

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pgmon-store-files-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  for (const umask of [0o022, 0o000, 0o277]) {
    it(`creates DATA_DIR 0700 and pgmon.db, -wal, -shm 0600 under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      const dataDir = newDataDir();
      const file = join(dataDir, 'pgmon.db');
      const seen: Record<string, number> = {};
      const saved = process.umask(umask);
      let db;
      try {
        db = openStore({ kind: 'sqlite', file }).db;
        await sql`create table probe (id integer)`.execute(db);
        await sql`insert into probe values (1)`.execute(db);
        seen.dir = mode(dataDir);
        for (const name of ['pgmon.db', 'pgmon.db-wal', 'pgmon.db-shm'])
          seen[name] = mode(join(dataDir, name));
      } finally {
        process.umask(saved);
        await db?.destroy();
      }
      assert.deepEqual(seen, {
        dir: 0o700,
        'pgmon.db': 0o600,
        'pgmon.db-wal': 0o600,
        'pgmon.db-shm': 0o600,
      });
    });
  }

  it('tightens store files that others could read (an earlier version, a crash) back to 0600', async () => {
    const dataDir = newDataDir();
    const file = join(dataDir, 'pgmon.db');
    await openAndWrite(file, 0o022);
    chmodSync(file, 0o644);
    // Empty WAL files left behind with a wide mode: SQLite would reuse them as they are.
    for (const suffix of ['-wal', '-shm']) writeFileSync(`${file}${suffix}`, '', { mode: 0o644 });
    await openAndWrite(file, 0o022);
    assert.equal(mode(file), 0o600);
  });

  it('leaves the mode of an existing DATA_DIR alone (it is the operator’s)', async () => {
    const dataDir = newDataDir();
    mkdirSync(dataDir, { recursive: true, mode: 0o750 });
    chmodSync(dataDir, 0o750);
    await openAndWrite(join(dataDir, 'pgmon.db'), 0o022);
    assert.equal(mode(dataDir), 0o750);
  });
});
