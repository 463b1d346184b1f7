import { randomUUID } from 'node:crypto';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { RedisConnection } from './redis-connection.js';

/** Pause between two looks at the cache while another replica reads. */
const WAIT_STEP_MS = 25;

/** Deletes the lock only if it is still ours (it may have expired and been taken since). */
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * One read of a monitored server per cache key, whichever replica asks: the loader behind
 * cache-manager's wrap() for entries that several API replicas share through Redis. In one
 * process (no REDIS_URL) wrap() and coalesceAsync already share a read, so it just reads.
 *
 * With Redis, a replica that finds no fresh value takes a short lock (SET NX PX), looks once
 * more, reads, and the value lands in the shared cache; the others wait for that value instead
 * of reading the server themselves. A lock holder that dies only delays them until the lock
 * expires (the read's deadline).
 */
@Injectable()
export class SharedReads {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  /**
   * The value to cache under `key`: a fresh one already there (`isFresh`), or `read()` run by
   * exactly one replica. `maxReadMs` bounds the read (the lock lives that long); the reader
   * stores the value for `ttlMs(value)` before it lets go of the lock, so that the next holder
   * finds it instead of reading again.
   */
  async load<T>(
    key: string,
    isFresh: (value: T) => boolean,
    read: () => Promise<T>,
    maxReadMs: number,
    ttlMs: (value: T) => number,
  ): Promise<T> {
    const client = this.redis.client;
    if (!client) return read();
    const lockKey = `pgmon:lock:${key}`;
    const token = randomUUID();
    const giveUpAt = Date.now() + 2 * maxReadMs;
    for (;;) {
      const current = await this.cache.get<T>(key).catch(() => undefined);
      if (current !== undefined && isFresh(current)) return current;
      const locked = await client
        .set(lockKey, token, { condition: 'NX', expiration: { type: 'PX', value: maxReadMs } })
        .catch((error: unknown) => this.redis.reportError(error));
      if (locked === 'OK') {
        return this.readHolding(lockKey, token, key, isFresh, async () => {
          const value = await read();
          await this.cache.set(key, value, ttlMs(value)).catch(() => undefined);
          return value;
        });
      }
      // Redis cannot be asked, or another replica keeps reading past all patience: read.
      if (locked === undefined || Date.now() > giveUpAt) return read();
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }

  private async readHolding<T>(
    lockKey: string,
    token: string,
    key: string,
    isFresh: (value: T) => boolean,
    read: () => Promise<T>,
  ): Promise<T> {
    try {
      // A replica that held the lock just before may have stored a fresh value meanwhile.
      const current = await this.cache.get<T>(key).catch(() => undefined);
      if (current !== undefined && isFresh(current)) return current;
      return await read();
    } finally {
      await this.redis.client
        ?.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [token] })
        .catch((error: unknown) => this.redis.reportError(error));
    }
  }
}
