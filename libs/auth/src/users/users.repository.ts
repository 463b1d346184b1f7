import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sql, type Selectable, type Transaction } from 'kysely';
import { StoreService, type Database, type UsersTable } from '#store';
import { isRole } from '../roles.js';
import type { UserRecord } from './user.record.js';

export interface NewUser {
  login: string;
  passwordHash: string;
  role: UserRecord['role'];
  isActive: boolean;
  email?: string | null;
}

export interface UserChanges {
  passwordHash?: string;
  role?: UserRecord['role'];
  isActive?: boolean;
  /** null removes the address. */
  email?: string | null;
  /** Invalidate tokens issued before this change. */
  revokeTokens?: boolean;
}

type Executor = StoreService['db'] | Transaction<Database>;

/** Users in the store. Knows SQL, not rules (see UsersService). */
@Injectable()
export class UsersRepository {
  constructor(private readonly store: StoreService) {}

  /** The user whose login equals `login` regardless of case (logins are unique that way). */
  async findByLogin(
    login: string,
    executor: Executor = this.store.db,
  ): Promise<UserRecord | undefined> {
    const row = await executor
      .selectFrom('users')
      .selectAll()
      // Matches the expression of the unique index users_login_lower, so the index is used.
      .where(sql<string>`lower(login)`, '=', login.toLowerCase())
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('login').execute();
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const row = await this.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Inserts the user with a new random account id; returns false when the login is taken in any case. */
  async insert(user: NewUser, executor: Executor = this.store.db): Promise<boolean> {
    const now = Date.now();
    const result = await executor
      .insertInto('users')
      .values({
        login: user.login,
        password_hash: user.passwordHash,
        role: user.role,
        is_active: user.isActive ? 1 : 0,
        created_at: now,
        updated_at: now,
        last_login_at: null,
        account_id: randomUUID(),
        email: user.email ?? null,
      })
      // No conflict target: covers the primary key and the case-insensitive unique index.
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Changes the user whose login is exactly `login` (as stored: see findByLogin). */
  async update(
    login: string,
    changes: UserChanges,
    executor: Executor = this.store.db,
  ): Promise<void> {
    await executor
      .updateTable('users')
      .set((eb) => ({
        updated_at: Date.now(),
        ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.isActive !== undefined && { is_active: changes.isActive ? 1 : 0 }),
        ...(changes.email !== undefined && { email: changes.email }),
        ...(changes.revokeTokens && { token_version: eb('token_version', '+', 1) }),
      }))
      .where('login', '=', login)
      .execute();
  }

  /** Deletes the user whose login is exactly `login` (as stored). */
  async delete(login: string, executor: Executor = this.store.db): Promise<boolean> {
    const result = await executor.deleteFrom('users').where('login', '=', login).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async recordLogin(login: string): Promise<void> {
    await this.store.db
      .updateTable('users')
      .set({ last_login_at: Date.now() })
      .where('login', '=', login)
      .execute();
  }

  /**
   * Active admins other than `exceptLogin`. On PostgreSQL every active admin row is locked, in
   * login order, so two concurrent demotions serialize instead of deadlocking.
   */
  async countOtherActiveAdmins(exceptLogin: string, executor: Executor): Promise<number> {
    let query = executor
      .selectFrom('users')
      .select('login')
      .where('role', '=', 'admin')
      .where('is_active', '=', 1)
      .orderBy('login');
    if (this.store.dialect === 'postgres') query = query.forUpdate();
    const rows = await query.execute();
    return rows.filter((row) => row.login !== exceptLogin).length;
  }

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.store.db.transaction().execute(work);
  }
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  if (!isRole(row.role)) throw new Error(`User ${row.login} has an unknown role in the store`);
  return {
    login: row.login,
    passwordHash: row.password_hash,
    role: row.role,
    isActive: Number(row.is_active) === 1,
    tokenVersion: Number(row.token_version),
    accountId: row.account_id,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    lastLoginAt: row.last_login_at === null ? null : new Date(Number(row.last_login_at)),
    email: row.email,
  };
}
