import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { InvalidationBus } from '#cache';
import { StoreChanges } from '#store';
import type { AuthUser } from '../auth-user.js';
import type { TokenClaims } from '../login/token.service.js';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';

/** The longest a cached user may lag behind a change made outside this process without Redis. */
const USER_TTL_MS = 5000;
/** Bounds on what is remembered (the oldest entries go first). */
const MAX_USERS = 10_000;
const MAX_TOKENS = 50_000;

/** What a token already verified by passport-jwt (signature, algorithm, expiry) claims. */
type VerifiedClaims = Pick<TokenClaims, 'sub' | 'aid' | 'ver' | 'exp'>;

/**
 * So that an authenticated request costs no store query and no signature check while nothing
 * changed: the users behind tokens, and the tokens passport-jwt has already verified (by their
 * exact text: the same text carries the same signature). Every change of a user drops it here
 * at once, and in every other process on the store: through Redis (InvalidationBus) when
 * REDIS_URL is set, and through the store itself (StoreChanges: PostgreSQL NOTIFY, SQLite's
 * data_version) for the CLI and replicas without Redis. USER_TTL_MS is a last resort. Maps rather than
 * cache-manager: these are looked up on every request, synchronously, and must never be shared
 * through a store another process could write.
 */
@Injectable()
export class AuthCache implements OnModuleInit, OnModuleDestroy {
  private readonly users = new Map<string, { user: UserRecord; until: number }>();
  /** Bumped on every change of a login (epoch: of every login), so a read racing it is not cached. */
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private lookedElsewhereAt = 0;
  private readonly tokens = new Map<string, VerifiedClaims>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly repository: UsersRepository,
    private readonly usersService: UsersService,
    private readonly bus: InvalidationBus,
    private readonly storeChanges: StoreChanges,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscription = this.usersService.changes.subscribe((login) => {
      this.forget(login);
      void this.bus.publish('users', login);
    });
    this.bus.on('users', (login) => this.forget(login));
    // '' when notifications may have been missed: forget every user.
    await this.storeChanges.listen('users', (login) =>
      login ? this.forget(login) : this.forgetAll(),
    );
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The user of a verified token if the token is still good for it, else undefined. */
  async authorize(claims: VerifiedClaims): Promise<AuthUser | undefined> {
    return authUserOf(await this.user(claims.sub), claims);
  }

  /**
   * The user of a token verified before, when everything needed is in memory and still good;
   * undefined otherwise (the caller then takes the full way: passport-jwt, then authorize).
   */
  knownUser(token: string): AuthUser | undefined {
    const claims = this.verifiedClaims(token);
    if (!claims) return undefined;
    this.noticeChangesElsewhere();
    return authUserOf(this.freshUser(claims.sub.toLowerCase()), claims);
  }

  /** Remembers a token passport-jwt verified, for the next requests that carry it. */
  rememberToken(token: string, claims: VerifiedClaims): void {
    remember(this.tokens, token, claims, MAX_TOKENS);
  }

  /** The claims of a token verified before and not expired since, else undefined. */
  verifiedClaims(token: string, now = Date.now()): VerifiedClaims | undefined {
    const claims = this.tokens.get(token);
    if (!claims) return undefined;
    if (claims.exp * 1000 > now) return claims;
    this.tokens.delete(token);
    return undefined;
  }

  private async user(login: string): Promise<UserRecord | undefined> {
    this.noticeChangesElsewhere();
    const key = login.toLowerCase();
    const cached = this.freshUser(key);
    if (cached) return cached;
    const generation = this.generations.get(key) ?? 0;
    const epoch = this.epoch;
    const user = await this.repository.findByLogin(login);
    if (user && (this.generations.get(key) ?? 0) === generation && this.epoch === epoch) {
      remember(this.users, key, { user, until: Date.now() + USER_TTL_MS }, MAX_USERS);
    }
    return user;
  }

  /**
   * Forgets every user when another process changed the store (SQLite's data_version), looked
   * at most once per millisecond: a change is seen by every request that starts a millisecond
   * after it, and 10,000 requests a second do not each cost a look.
   */
  private noticeChangesElsewhere(): void {
    const now = Date.now();
    if (now === this.lookedElsewhereAt) return;
    this.lookedElsewhereAt = now;
    if (this.storeChanges.changedElsewhere()) this.forgetAll();
  }

  private freshUser(key: string): UserRecord | undefined {
    const cached = this.users.get(key);
    return cached && cached.until > Date.now() ? cached.user : undefined;
  }

  private forgetAll(): void {
    this.users.clear();
    this.epoch += 1;
  }

  private forget(login: string): void {
    const key = login.toLowerCase();
    this.users.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }
}

/** The user, if the token's claims still hold for it: active, same account, same version. */
function authUserOf(user: UserRecord | undefined, claims: VerifiedClaims): AuthUser | undefined {
  const good = user?.isActive && user.accountId === claims.aid && user.tokenVersion === claims.ver;
  return good ? { login: user.login, role: user.role } : undefined;
}

/** Sets `key` as the newest entry, dropping the oldest past `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
