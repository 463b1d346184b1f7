/**
 * Migration 005-case-insensitive-logins on a store that has users from before it, on SQLite
 * and PostgreSQL. A store "from before" is made by starting a store and undoing 005 (its index,
 * its column, its row in kysely_migration), then writing users as an earlier version would.
 * Later migrations (007) stay applied, as on a store of the version before this one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictException } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { openStore } from '#store';
import {
  BACKENDS,
  createStoreLocation,
  IMPORTED_HASH,
  IMPORTED_PASSWORD,
  startStore,
  type TestStoreLocation,
} from './store-harness.js';

const MIGRATION = '005-case-insensitive-logins';

/** Turns the migrated store back into a store of the previous version. */
async function undoMigration(db: Kysely<unknown>): Promise<void> {
  await sql`drop index users_login_lower`.execute(db);
  await sql`alter table users drop column account_id`.execute(db);
  await sql`delete from kysely_migration where name = ${MIGRATION}`.execute(db);
}

/** A user row as the previous version wrote it. */
async function insertOldUser(db: Kysely<unknown>, login: string, role = 'viewer'): Promise<void> {
  const now = Date.now();
  await sql`insert into users (login, password_hash, role, is_active, token_version, created_at, updated_at)
    values (${login}, ${IMPORTED_HASH}, ${role}, 1, 3, ${now}, ${now})`.execute(db);
}

describe(`StoreMigrations ${MIGRATION}`, () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let location: TestStoreLocation;

      before(async () => {
        location = await createStoreLocation(backend);
        const running = await startStore(location.config);
        try {
          const db = running.store.db as unknown as Kysely<unknown>;
          await undoMigration(db);
          for (const login of ['Alice', 'alice', 'ALICE', 'Bob', 'bob', 'carol']) {
            await insertOldUser(db, login);
          }
        } finally {
          await running.close();
        }
      });
      after(async () => {
        await location?.dispose();
      });

      it('refuses to start while logins differ only in case, naming each group', async () => {
        await assert.rejects(startStore(location.config), (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, /unique regardless of case/);
          assert.match(error.message, /"ALICE" and "Alice" and "alice"/);
          assert.match(error.message, /"Bob" and "bob"/);
          assert.doesNotMatch(error.message, /carol/);
          return true;
        });
      });

      it('applies once one login of each group is left, giving each account its own id', async () => {
        // A bare connection: the app would refuse to start (see above).
        const fix = openStore(location.config.store).db as unknown as Kysely<unknown>;
        try {
          await sql`delete from users where login in ('ALICE', 'alice', 'bob')`.execute(fix);
        } finally {
          await fix.destroy();
        }
        const running = await startStore(location.config);
        try {
          const users = await running.users.list();
          assert.deepEqual(users.map((user) => user.login).sort(), [
            'Alice',
            'Bob',
            'admin',
            'carol',
          ]);
          const ids = users.map((user) => user.accountId);
          assert.ok(
            ids.every((id) => /^[0-9a-f-]{36}$/.test(id)),
            ids.join(),
          );
          assert.equal(new Set(ids).size, ids.length, 'every account has its own id');
          // Existing users keep their password, found by any case.
          assert.equal(
            (await running.users.verifyCredentials('alice', IMPORTED_PASSWORD))?.login,
            'Alice',
          );
          await assert.rejects(
            running.users.createWithHash(
              { login: 'CAROL', passwordHash: IMPORTED_HASH, role: 'viewer', isActive: true },
              { login: null },
            ),
            ConflictException,
          );
        } finally {
          await running.close();
        }
      });

      it('refuses a second row differing only in case at the store itself (unique index)', async () => {
        const running = await startStore(location.config);
        try {
          const db = running.store.db as unknown as Kysely<unknown>;
          await assert.rejects(insertOldUser(db, 'CaRoL'), /unique|UNIQUE/);
        } finally {
          await running.close();
        }
      });
    });
  }
});
