import { randomUUID } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import {
  LOGIN_ATTEMPT_STORE,
  type AttemptEntry,
  type LoginAttemptStore,
} from './login-attempt.store.js';

/** 429 for a locked-out login; the error filter turns `retryAfterSeconds` into Retry-After. */
export class LoginLockedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { detail: `Too many failed login attempts; try again in ${retryAfterSeconds} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** A login being checked: its failure is counted until the password proves right. */
export interface LoginAttempt {
  account: string;
  address: string;
  failureId: string;
}

/** How long an address that logged into an account stays known to that account. */
export const KNOWN_ADDRESS_DAYS = 30;
const KNOWN_ADDRESS_MS = KNOWN_ADDRESS_DAYS * 86_400_000;

const addressKey = (address: string) => `login:address:${address}`;
const accountKey = (account: string) => `login:account:${account}`;
const knownKey = (account: string) => `login:known:${account}`;

/**
 * Failed logins in a sliding window (LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW seconds),
 * counted twice: per client address, over every account it tries, and per account (login in any
 * case, existing or not), over every address. Either limit reached means 429 until enough
 * failures leave the window, before any password is checked.
 *
 * A success forgets only the failures of that account from that address: another account's
 * success never clears them. So that anybody cannot lock the owner out of an account by
 * guessing, the account's limit does not apply to an address that logged into the account
 * within KNOWN_ADDRESS_DAYS (its own address limit still does).
 */
@Injectable()
export class LoginAttemptsService {
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    @Inject(LOGIN_ATTEMPT_STORE) private readonly store: LoginAttemptStore,
  ) {
    this.maxFailures = config.auth.loginMaxFailures;
    this.windowMs = config.auth.loginFailureWindowSeconds * 1000;
  }

  /**
   * Throws 429 while the address or the account is locked out; otherwise counts the attempt as
   * a failure (before the slow password check, so parallel guesses cannot outrun the limit)
   * until succeeded() or abandoned() says otherwise.
   */
  async begin(login: string, address: string, now = Date.now()): Promise<LoginAttempt> {
    const attempt = { account: login.toLowerCase(), address, failureId: randomUUID() };
    const since = now - this.windowMs;
    const [byAddress, byAccount, known] = await Promise.all([
      this.store.list(addressKey(address), since),
      this.store.list(accountKey(attempt.account), since),
      this.store.list(knownKey(attempt.account), now - KNOWN_ADDRESS_MS),
    ]);
    this.assertUnderLimit(byAddress, now);
    if (!known.some((entry) => entry.tag === address)) this.assertUnderLimit(byAccount, now);
    const failure = (tag: string): AttemptEntry => ({ id: attempt.failureId, at: now, tag });
    await Promise.all([
      this.store.add(addressKey(address), failure(attempt.account), this.windowMs),
      this.store.add(accountKey(attempt.account), failure(address), this.windowMs),
    ]);
    return attempt;
  }

  /** The password was right: forget this address's failures on this account, and know the address. */
  async succeeded(attempt: LoginAttempt, now = Date.now()): Promise<void> {
    await Promise.all([
      this.forgetTagged(addressKey(attempt.address), attempt.account, now - this.windowMs),
      this.forgetTagged(accountKey(attempt.account), attempt.address, now - this.windowMs),
      this.forgetTagged(knownKey(attempt.account), attempt.address, now - KNOWN_ADDRESS_MS),
    ]);
    await this.store.add(
      knownKey(attempt.account),
      { id: attempt.failureId, at: now, tag: attempt.address },
      KNOWN_ADDRESS_MS,
    );
  }

  /** The password was never checked (the server was too busy): the attempt was no guess. */
  async abandoned(attempt: LoginAttempt): Promise<void> {
    await Promise.all([
      this.store.remove(addressKey(attempt.address), [attempt.failureId]),
      this.store.remove(accountKey(attempt.account), [attempt.failureId]),
    ]);
  }

  /** Throws 429 with the seconds until enough failures have left the window. */
  private assertUnderLimit(failures: AttemptEntry[], now: number): void {
    if (failures.length < this.maxFailures) return;
    const freeing = failures[failures.length - this.maxFailures]?.at ?? now;
    throw new LoginLockedException(Math.max(1, Math.ceil((freeing + this.windowMs - now) / 1000)));
  }

  private async forgetTagged(key: string, tag: string, since: number): Promise<void> {
    const entries = await this.store.list(key, since);
    const ids = entries.filter((entry) => entry.tag === tag).map((entry) => entry.id);
    if (ids.length > 0) await this.store.remove(key, ids);
  }
}
