/**
 * Migration 006 on both backends: a store holding server names that differ only in case, or
 * that start with ".", "_" or "-", is migrated without failing; the names are made valid and
 * unique (the oldest keeps its name), each rename is audited, and from then on the store itself
 * refuses a second name in another case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { isUniqueViolation, type StoreService } from '#store';
import {
  BACKENDS,
  createStoreLocation,
  startStore,
  type RunningStore,
  type TestStoreLocation,
} from './store-harness.js';

const MIGRATION = '006-server-names';
const INDEX = 'servers_name_lower_unique';

/** Names as an older pgmon accepted them, in creation order. */
const OLD_NAMES = ['Prod', 'prod', 'PROD', '..', '-db', 'db', 'other'];

function serverRow(name: string) {
  return {
    name,
    host: '127.0.0.1',
    port: 5432,
    pg_user: 'pgmon',
    database: 'postgres',
    ssl_mode: 'disable',
    ssh_port: 22,
    ssh_auth_type: 'password',
    generation: 1,
    created_at: 0,
    updated_at: 0,
  };
}

/** Puts the store back to before 006 (no index, not recorded) and adds the old names. */
async function storeBefore006(store: StoreService): Promise<void> {
  await sql`drop index ${sql.ref(INDEX)}`.execute(store.db);
  await store.db
    .withoutPlugins()
    .deleteFrom('kysely_migration' as never)
    .where('name' as never, '=', MIGRATION as never)
    .execute();
  for (const name of OLD_NAMES) {
    await store.db.insertInto('servers').values(serverRow(name)).execute();
  }
}

describe('migration 006-server-names', () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let location: TestStoreLocation;
      let running: RunningStore | undefined;

      before(async () => {
        location = await createStoreLocation(backend);
        const first = await startStore(location.config);
        await storeBefore006(first.store);
        await first.close();
        running = await startStore(location.config);
      });

      after(async () => {
        await running?.close();
        await location?.dispose();
      });

      it('returns the names valid and unique ignoring case, the oldest unchanged', async () => {
        const rows = await running!.store.db
          .selectFrom('servers')
          .select('name')
          .orderBy('id')
          .execute();
        assert.deepEqual(
          rows.map((row) => row.name),
          ['Prod', 'prod-2', 'PROD-3', 'server', 'db-2', 'db', 'other'],
        );
      });

      it('records each rename in the audit log', async () => {
        const entries = await running!.store.db
          .selectFrom('audit_log')
          .select(['action', 'target', 'detail'])
          .where('action', '=', 'server.rename')
          .orderBy('id')
          .execute();
        assert.deepEqual(
          entries.map((entry) => [
            entry.target,
            (JSON.parse(entry.detail ?? '{}') as { from: string }).from,
          ]),
          [
            ['prod-2', 'prod'],
            ['PROD-3', 'PROD'],
            ['server', '..'],
            ['db-2', '-db'],
          ],
        );
      });

      it('refuses a name that differs from a stored one only in case', async () => {
        await assert.rejects(
          running!.store.db.insertInto('servers').values(serverRow('OTHER')).execute(),
          (error) => isUniqueViolation(error),
        );
      });
    });
  }
});
