import { availableParallelism } from 'node:os';
import { HttpException, HttpStatus, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { BcryptTask } from './bcrypt.worker.js';

/** bcrypt cost of new hashes (the seed's hashes use 12 too). */
export const BCRYPT_COST = 12;

/**
 * A cost-12 hash of a random password nobody knows: checking a login against it for unknown
 * users makes "no such user" take as long as "wrong password".
 */
const UNKNOWN_USER_HASH = '$2b$12$kuSaFHUd6tsbJr8i/7UeAOhFQ.tVsp/4qHWPgf0zF3nE.xTF58pMO';

/** Threads that hash: every core but one, kept for the event loop (at least one, at most 4). */
export const HASH_THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));
/**
 * Hashing jobs that may wait for a thread. A cost-12 hash takes about 0.2-0.3 s, so a login
 * waits at most a few seconds; past this, 503 at once instead of ever longer waits.
 */
export const MAX_WAITING_HASHES = 8 * HASH_THREADS;

/** 503 with Retry-After when too many passwords wait to be checked. */
export class HashingBusyException extends HttpException {
  readonly retryAfterSeconds = 2;

  constructor() {
    super(
      { detail: 'Too many logins are being checked at once; try again in a few seconds' },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

/**
 * bcrypt (bcryptjs) off the main thread: a small pool of worker threads (piscina) at a lower
 * CPU priority, so hashing never stalls the event loop (a login storm once held every request
 * for seconds), and a bounded queue.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private pool: Piscina<BcryptTask, string | boolean> | undefined;

  async hash(password: string): Promise<string> {
    return (await this.run({ kind: 'hash', password, cost: BCRYPT_COST })) as string;
  }

  /** Verifies against `hash`, or against a decoy hash when the user does not exist. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const task: BcryptTask = { kind: 'compare', password, hash: hash ?? UNKNOWN_USER_HASH };
    const matches = (await this.run(task)) as boolean;
    return matches && hash !== undefined;
  }

  /** True for bcrypt hashes this service can check ($2a$, $2b$, $2y$). */
  static isBcryptHash(value: string): boolean {
    return /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value);
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private run(task: BcryptTask): Promise<string | boolean> {
    this.pool ??= new Piscina<BcryptTask, string | boolean>({
      filename: new URL('./bcrypt.worker.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: HASH_THREADS,
      // Started on the first login, stopped 10 s after the last: a thread holds about 12 MB,
      // and logins are rare next to the requests their tokens make.
      idleTimeout: 10_000,
      // bcrypt keeps almost nothing alive: a small young generation keeps the thread small.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      // Below the event loop's priority (Linux: per thread).
      niceIncrement: 10,
    });
    if (this.pool.queueSize >= MAX_WAITING_HASHES) {
      return Promise.reject(new HashingBusyException());
    }
    return this.pool.run(task);
  }
}
