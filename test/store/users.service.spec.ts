import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { PasswordHasher, UsersService, type Role, type UserRecord } from '#auth';
import {
  ADMIN_PASSWORD,
  BACKENDS,
  IMPORTED_HASH,
  IMPORTED_PASSWORD,
  startFreshStore,
} from './store-harness.js';

const SYSTEM = { login: null };

/** Which settled promises were fulfilled, and the rejections that were not. */
function outcomes(results: PromiseSettledResult<unknown>[]) {
  const fulfilled = results.filter((r) => r.status === 'fulfilled');
  const reasons = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  return { fulfilled: fulfilled.length, reasons };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as { code?: unknown };
  const suffix = typeof code === 'string' ? ` (code ${code})` : '';
  return `${error.constructor.name}: ${error.message}${suffix}`;
}

function assertConflicts(reasons: unknown[]): void {
  for (const reason of reasons) {
    assert.ok(
      reason instanceof ConflictException,
      `expected a ConflictException, got ${describeError(reason)}`,
    );
  }
}

describe(UsersService.name, () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let running: Awaited<ReturnType<typeof startFreshStore>>;
      let users: UsersService;
      const importUser = (login: string, role: Role = 'viewer', isActive = true) =>
        users.createWithHash({ login, passwordHash: IMPORTED_HASH, role, isActive }, SYSTEM);
      const activeAdmins = async () =>
        (await users.list()).filter((u) => u.role === 'admin' && u.isActive).map((u) => u.login);

      before(async () => {
        running = await startFreshStore(backend);
        users = running.users;
      });
      after(async () => {
        await running?.stop();
      });

      it('returns the admin created on first start, with the ADMIN_PASSWORD', async () => {
        const all = await users.list();
        assert.deepEqual(
          all.map((u) => [u.login, u.role, u.isActive]),
          [['admin', 'admin', true]],
        );
        const admin = await users.verifyCredentials('admin', ADMIN_PASSWORD);
        assert.equal(admin?.login, 'admin');
        assert.equal(await users.verifyCredentials('admin', 'not the password'), undefined);
      });

      it('returns a created user with a bcrypt hash and Date timestamps', async () => {
        const before = Date.now();
        const created = await users.create(
          { login: 'alice', password: 'alice password', role: 'viewer', isActive: true },
          { login: 'admin', clientIp: '10.0.0.1' },
        );
        const afterCreate = Date.now();
        const alice = await users.get('alice');
        assert.deepEqual(alice, created);
        assert.equal(alice.role, 'viewer');
        assert.equal(alice.isActive, true);
        assert.equal(alice.tokenVersion, 0);
        assert.ok(PasswordHasher.isBcryptHash(alice.passwordHash));
        assert.ok(alice.createdAt instanceof Date && alice.updatedAt instanceof Date);
        assert.ok(alice.createdAt.getTime() >= before && alice.createdAt.getTime() <= afterCreate);
        assert.equal(alice.updatedAt.getTime(), alice.createdAt.getTime());
        assert.equal(alice.lastLoginAt, null);
      });

      it('throws ConflictException for a login that exists, leaving the user as it was', async () => {
        await assert.rejects(importUser('alice', 'admin'), ConflictException);
        assert.equal((await users.get('alice')).role, 'viewer');
      });

      it('returns every user ordered by login', async () => {
        await importUser('carol');
        await importUser('bob', 'operator', false);
        const all = await users.list();
        assert.deepEqual(
          all.map((u) => u.login),
          ['admin', 'alice', 'bob', 'carol'],
        );
        assert.deepEqual(
          all.map((u) => [u.role, u.isActive]),
          [
            ['admin', true],
            ['viewer', true],
            ['operator', false],
            ['viewer', true],
          ],
        );
        assert.equal(await users.count(), 4);
      });

      it('returns the user with its new role and unchanged token version after a role change', async () => {
        const before = await users.get('alice');
        const updated = await users.update('alice', { role: 'operator' }, SYSTEM);
        assert.equal(updated.role, 'operator');
        assert.equal(updated.tokenVersion, before.tokenVersion);
        assert.equal(updated.passwordHash, before.passwordHash);
        assert.ok(updated.updatedAt.getTime() >= before.updatedAt.getTime());
        assert.equal(updated.createdAt.getTime(), before.createdAt.getTime());
      });

      it('bumps the token version and replaces the hash when the password changes', async () => {
        const before = await users.get('alice');
        const updated = await users.update('alice', { password: 'a new password' }, SYSTEM);
        assert.equal(updated.tokenVersion, before.tokenVersion + 1);
        assert.notEqual(updated.passwordHash, before.passwordHash);
        assert.equal((await users.verifyCredentials('alice', 'a new password'))?.login, 'alice');
        assert.equal(await users.verifyCredentials('alice', 'alice password'), undefined);
      });

      it('bumps the token version when the user is disabled, not when enabled again', async () => {
        const before = await users.get('carol');
        const disabled = await users.update('carol', { isActive: false }, SYSTEM);
        assert.equal(disabled.isActive, false);
        assert.equal(disabled.tokenVersion, before.tokenVersion + 1);
        assert.equal(await users.verifyCredentials('carol', IMPORTED_PASSWORD), undefined);
        const enabled = await users.update('carol', { isActive: true }, SYSTEM);
        assert.equal(enabled.isActive, true);
        assert.equal(enabled.tokenVersion, disabled.tokenVersion);
      });

      it('returns the time of the last successful login', async () => {
        const before = Date.now();
        await users.verifyCredentials('carol', IMPORTED_PASSWORD);
        const carol = await users.get('carol');
        assert.ok(carol.lastLoginAt instanceof Date);
        assert.ok(
          carol.lastLoginAt.getTime() >= before && carol.lastLoginAt.getTime() <= Date.now(),
        );
      });

      it('deletes a user, then throws NotFoundException for it', async () => {
        await users.delete('bob', SYSTEM);
        await assert.rejects(users.get('bob'), NotFoundException);
        await assert.rejects(users.delete('bob', SYSTEM), NotFoundException);
        await assert.rejects(users.update('bob', { role: 'admin' }, SYSTEM), NotFoundException);
        assert.ok(!(await users.list()).some((u) => u.login === 'bob'));
      });

      it('returns BIGINT and integer columns as numbers, not strings', async () => {
        const row = await running.store.db
          .selectFrom('users')
          .select(['created_at', 'updated_at', 'last_login_at', 'token_version', 'is_active'])
          .where('login', '=', 'carol')
          .executeTakeFirstOrThrow();
        for (const [column, value] of Object.entries(row)) {
          assert.equal(typeof value, 'number', `${column} is ${JSON.stringify(value)}`);
        }
        const audit = await running.store.db
          .selectFrom('audit_log')
          .select(['id', 'at'])
          .executeTakeFirstOrThrow();
        assert.equal(typeof audit.id, 'number');
        assert.equal(typeof audit.at, 'number');
        const counted = await running.store.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(typeof counted.n, 'number');
      });

      it('throws ConflictException when demoting, disabling or deleting the last active admin', async () => {
        assert.deepEqual(await activeAdmins(), ['admin']);
        await assert.rejects(
          users.update('admin', { role: 'operator' }, SYSTEM),
          ConflictException,
        );
        await assert.rejects(users.update('admin', { isActive: false }, SYSTEM), ConflictException);
        await assert.rejects(users.delete('admin', SYSTEM), ConflictException);
        const admin = await users.get('admin');
        assert.deepEqual([admin.role, admin.isActive, admin.tokenVersion], ['admin', true, 0]);
      });

      it('lets exactly one of two concurrent demotions of the only two admins succeed', async () => {
        await importUser('root', 'admin');
        const changes: [string, { role?: Role; isActive?: boolean }][] = [
          ['admin', { role: 'viewer' }],
          ['root', { isActive: false }],
        ];
        // Several rounds, so that the two transactions really overlap at least once.
        for (let round = 0; round < 5; round++) {
          assert.deepEqual(await activeAdmins(), ['admin', 'root'], `round ${round}`);
          const results = await Promise.allSettled(
            changes.map(([login, change]) => users.update(login, change, SYSTEM)),
          );
          const { fulfilled, reasons } = outcomes(results);
          assert.equal(fulfilled, 1, `round ${round}: ${fulfilled} of 2 demotions succeeded`);
          assertConflicts(reasons);
          const remaining = await activeAdmins();
          assert.equal(remaining.length, 1, `round ${round}: active admins ${remaining.join()}`);
          // Restore both admins for the next round.
          await users.update('admin', { role: 'admin', isActive: true }, SYSTEM);
          await users.update('root', { role: 'admin', isActive: true }, SYSTEM);
        }
      });

      it('returns a user by any case of its login, as it was created', async () => {
        await importUser('Erin');
        for (const login of ['Erin', 'erin', 'ERIN']) {
          assert.equal((await users.get(login)).login, 'Erin', login);
          assert.equal((await users.verifyCredentials(login, IMPORTED_PASSWORD))?.login, 'Erin');
        }
        await assert.rejects(importUser('eRIN'), ConflictException);
        await users.update('ERIN', { role: 'operator' }, SYSTEM);
        assert.equal((await users.get('erin')).role, 'operator');
        assert.equal((await users.delete('erin', SYSTEM)).login, 'Erin');
        await assert.rejects(users.get('Erin'), NotFoundException);
      });

      it('gives a login deleted and created again a new account id', async () => {
        const first = await importUser('phoenix');
        await users.delete('phoenix', SYSTEM);
        const second = await importUser('Phoenix');
        assert.match(first.accountId, /^[0-9a-f-]{36}$/);
        assert.notEqual(second.accountId, first.accountId);
        assert.equal(second.tokenVersion, first.tokenVersion, 'versions alone would collide');
        await users.delete('phoenix', SYSTEM);
      });

      it('lets exactly one of concurrent creations of logins differing only in case succeed', async () => {
        const logins = ['grace', 'Grace', 'GRACE', 'gRace'];
        const results = await Promise.allSettled(logins.map((login) => importUser(login)));
        const { fulfilled, reasons } = outcomes(results);
        assert.equal(fulfilled, 1);
        assertConflicts(reasons);
        const graces = (await users.list()).filter((u) => u.login.toLowerCase() === 'grace');
        assert.equal(graces.length, 1);
      });

      it('lets exactly one of concurrent creations of the same login succeed', async () => {
        const attempts = 6;
        const results = await Promise.allSettled(
          Array.from({ length: attempts }, (_, i) =>
            users.createWithHash(
              {
                login: 'dave',
                passwordHash: IMPORTED_HASH,
                role: i === 0 ? 'admin' : 'viewer',
                isActive: true,
              },
              SYSTEM,
            ),
          ),
        );
        const { fulfilled, reasons } = outcomes(results);
        assert.equal(fulfilled, 1);
        assert.equal(reasons.length, attempts - 1);
        assertConflicts(reasons);
        const daves = (await users.list()).filter((u) => u.login === 'dave');
        assert.equal(daves.length, 1);
        const winner = results.find(
          (r): r is PromiseFulfilledResult<UserRecord> => r.status === 'fulfilled',
        );
        assert.equal(daves[0]?.role, winner?.value.role);
        const created = await running.store.db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'user.create')
          .where('target', '=', 'dave')
          .execute();
        assert.equal(created.length, 1);
      });
    });
  }
});
