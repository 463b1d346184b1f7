import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { Subject, type Observable } from 'rxjs';
import { AuditLogService, StoreChanges, type Database } from '#store';
import type { Role } from '../roles.js';
import { PasswordHasher } from './password-hasher.js';
import type { UserRecord } from './user.record.js';
import { UsersRepository, type UserChanges } from './users.repository.js';

export interface CreateUserInput {
  login: string;
  password: string;
  role: Role;
  isActive: boolean;
  email?: string | null;
}

export interface UpdateUserInput {
  password?: string;
  role?: Role;
  isActive?: boolean;
  /** null removes the address; undefined keeps it. */
  email?: string | null;
}

/** Who performs a change, for the audit log. */
export interface Actor {
  login: string | null;
  clientIp?: string | null;
}

const LAST_ADMIN = 'Cannot remove, disable or demote the last active admin';

/**
 * User management rules: logins unique regardless of case (and found by any case), hashed
 * passwords, always one active admin, and every change that could let an old token act for
 * someone it should not (a new password, disabling) revokes the user's tokens.
 */
@Injectable()
export class UsersService {
  private readonly changeEvents = new Subject<string>();
  /**
   * The login of each user created, changed or deleted, once the change is committed (other
   * processes on the store learn of changes and deletions through StoreChanges).
   */
  readonly changes: Observable<string> = this.changeEvents.asObservable();

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLogService,
    private readonly storeChanges: StoreChanges,
  ) {}

  list(): Promise<UserRecord[]> {
    return this.users.list();
  }

  async get(login: string): Promise<UserRecord> {
    const user = await this.users.findByLogin(login);
    if (!user) throw new NotFoundException(`User ${login} not found`);
    return user;
  }

  /** The user if the login may sign in with this password; undefined otherwise. */
  async verifyCredentials(login: string, password: string): Promise<UserRecord | undefined> {
    const user = await this.users.findByLogin(login);
    const valid = await this.hasher.verify(password, user?.passwordHash);
    if (!valid || !user?.isActive) return undefined;
    await this.users.recordLogin(user.login);
    return user;
  }

  async create(input: CreateUserInput, actor: Actor): Promise<UserRecord> {
    const passwordHash = await this.hasher.hash(input.password);
    return this.createWithHash({ ...input, passwordHash }, actor);
  }

  /** Creates a user from an existing bcrypt hash (seed import). */
  async createWithHash(
    input: Omit<CreateUserInput, 'password'> & { passwordHash: string },
    actor: Actor,
  ): Promise<UserRecord> {
    const inserted = await this.users.insert(input);
    if (!inserted) {
      throw new ConflictException(
        `User ${input.login} already exists (logins are unique regardless of case)`,
      );
    }
    await this.audit.record({
      actor: actor.login,
      action: 'user.create',
      target: input.login,
      detail: { role: input.role, is_active: input.isActive },
      clientIp: actor.clientIp ?? null,
    });
    this.changeEvents.next(input.login);
    return this.get(input.login);
  }

  async update(login: string, input: UpdateUserInput, actor: Actor): Promise<UserRecord> {
    const changes: UserChanges = {
      ...(input.role !== undefined && { role: input.role }),
      ...(input.isActive !== undefined && { isActive: input.isActive }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.password !== undefined && { passwordHash: await this.hasher.hash(input.password) }),
      revokeTokens: input.password !== undefined || input.isActive === false,
    };
    const user = await this.users.transaction(async (trx) => {
      const found = await this.existingUser(login, trx);
      const losesAdmin =
        (changes.role !== undefined && changes.role !== 'admin') || changes.isActive === false;
      if (losesAdmin) await this.assertNotLastAdmin(found, trx);
      await this.users.update(found.login, changes, trx);
      await this.storeChanges.notify(trx, 'users', found.login);
      return found;
    });
    this.changeEvents.next(user.login);
    await this.audit.record({
      actor: actor.login,
      action: 'user.update',
      target: user.login,
      detail: {
        role: input.role,
        is_active: input.isActive,
        email_changed: input.email !== undefined,
        credentials_reset: input.password !== undefined,
      },
      clientIp: actor.clientIp ?? null,
    });
    return this.get(user.login);
  }

  /** Deletes the user (found by any case); returns it as it was. */
  async delete(login: string, actor: Actor): Promise<UserRecord> {
    const user = await this.users.transaction(async (trx) => {
      const found = await this.existingUser(login, trx);
      await this.assertNotLastAdmin(found, trx);
      await this.users.delete(found.login, trx);
      await this.storeChanges.notify(trx, 'users', found.login);
      return found;
    });
    this.changeEvents.next(user.login);
    await this.audit.record({
      actor: actor.login,
      action: 'user.delete',
      target: user.login,
      clientIp: actor.clientIp ?? null,
    });
    return user;
  }

  private async existingUser(login: string, trx: Transaction<Database>): Promise<UserRecord> {
    const user = await this.users.findByLogin(login, trx);
    if (!user) throw new NotFoundException(`User ${login} not found`);
    return user;
  }

  /** Throws 409 when `user` is the last active admin (it is about to lose that). */
  private async assertNotLastAdmin(user: UserRecord, trx: Transaction<Database>): Promise<void> {
    if (user.role !== 'admin' || !user.isActive) return;
    if ((await this.users.countOtherActiveAdmins(user.login, trx)) === 0) {
      throw new ConflictException(LAST_ADMIN);
    }
  }

  count(): Promise<number> {
    return this.users.count();
  }
}
