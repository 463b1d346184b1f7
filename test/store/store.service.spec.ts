import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { StoreService } from '#store';
import { adminQuery } from '../support/clusters.js';
import { readTargets } from '../support/targets-info.js';
import {
  BACKENDS,
  createStoreLocation,
  IMPORTED_HASH,
  startStore,
  type RunningStore,
  type TestStoreLocation,
} from './store-harness.js';

interface MigrationRow {
  name: string;
  timestamp: string;
}

function migrations(store: StoreService): Promise<MigrationRow[]> {
  return store.db
    .withoutPlugins()
    .selectFrom('kysely_migration' as never)
    .select(['name', 'timestamp'] as never[])
    .orderBy('name' as never)
    .execute() as Promise<MigrationRow[]>;
}

/** Sessions of the store's pool on the test database (PostgreSQL only). */
async function storeSessions(location: TestStoreLocation): Promise<number> {
  const result = await adminQuery<{ n: string }>(
    readTargets().pg.main,
    `select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'pgmon-store'`,
    [location.database?.name],
  );
  return Number(result.rows[0]?.n);
}

describe(StoreService.name, () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let location: TestStoreLocation;
      const started: RunningStore[] = [];
      const start = async () => {
        const running = await startStore(location.config);
        started.push(running);
        return running;
      };

      before(async () => {
        location = await createStoreLocation(backend);
      });
      after(async () => {
        for (const running of started) await running.close();
        await location?.dispose();
      });

      it('returns the backend it was configured for', async () => {
        const { store } = await start();
        assert.equal(store.dialect, backend === 'SQLite' ? 'sqlite' : 'postgres');
        assert.match(
          store.describe(),
          backend === 'SQLite' ? /^SQLite \/.*pgmon\.db$/ : /^PostgreSQL /,
        );
        if (location.database) {
          assert.ok(!store.describe().includes(readTargets().pg.main.superpassword));
        }
      });

      it('runs the migrations on start', async () => {
        const { store } = started[0] ?? (await start());
        const names = (await migrations(store)).map((row) => row.name);
        // Other migrations are appended over time; the first one is never renamed.
        assert.equal(names[0], '001-users-and-audit');
        assert.deepEqual(names, [...new Set(names)].sort());
        const tables = (await store.db.introspection.getTables()).map((table) => table.name);
        assert.ok(tables.includes('users') && tables.includes('audit_log'), tables.join());
      });

      it('changes nothing when a second module starts on the migrated database', async () => {
        const first = started[0] ?? (await start());
        await first.users.createWithHash(
          { login: 'frank', passwordHash: IMPORTED_HASH, role: 'operator', isActive: true },
          { login: null },
        );
        const migrated = await migrations(first.store);
        const usersBefore = await first.users.list();

        const second = await start();
        assert.deepEqual(await migrations(second.store), migrated);
        assert.deepEqual(await second.users.list(), usersBefore);
        assert.deepEqual(
          usersBefore.map((user) => user.login),
          ['admin', 'frank'],
        );
      });

      it('resolves ping while the store is reachable', async () => {
        const { store } = started[0] ?? (await start());
        await store.ping();
      });

      if (backend === 'SQLite') {
        it('returns journal_mode wal for the SQLite file', async () => {
          const { store } = started[0] ?? (await start());
          const result = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
          assert.equal(result.rows[0]?.journal_mode, 'wal');
        });
      }

      it('closes on shutdown, after which ping rejects', async () => {
        const running = await start();
        await running.store.ping();
        await running.close();
        await assert.rejects(running.store.ping());
      });

      if (backend === 'PostgreSQL') {
        it('leaves no store connection open after shutdown', async () => {
          assert.ok((await storeSessions(location)) > 0, 'the open modules hold connections');
          for (const running of started) await running.close();
          assert.equal(await storeSessions(location), 0);
        });

        it('rejects ping once its database is gone, then shuts down cleanly', async () => {
          const dedicated = await createStoreLocation('PostgreSQL');
          const running = await startStore(dedicated.config);
          try {
            await running.store.ping();
            await dedicated.dispose(); // DROP DATABASE ... WITH (FORCE)
            await assert.rejects(running.store.ping(), /does not exist|terminat/);
            await assert.rejects(running.store.ping());
          } finally {
            await running.close();
            await dedicated.dispose();
          }
        });
      }
    });
  }
});
