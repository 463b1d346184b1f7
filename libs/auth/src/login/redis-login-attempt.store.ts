import { Logger } from '@nestjs/common';
import type { RedisConnection } from '#cache';
import {
  MemoryLoginAttemptStore,
  type AttemptEntry,
  type LoginAttemptStore,
} from './login-attempt.store.js';

const PREFIX = 'pgmon:';

/**
 * Login attempts in Redis, shared by every API replica: one sorted set per key, scored by time,
 * members `<id>|<tag>` (ZADD, ZRANGE BYSCORE, ZREM, PEXPIRE). While Redis cannot be reached,
 * attempts are counted in this process instead (the lockout still holds, per replica).
 */
export class RedisLoginAttemptStore implements LoginAttemptStore {
  private readonly logger = new Logger(RedisLoginAttemptStore.name);
  private readonly fallback = new MemoryLoginAttemptStore();

  constructor(private readonly redis: RedisConnection) {}

  async add(key: string, entry: AttemptEntry, ttlMs: number): Promise<void> {
    await this.attempt(
      async (client) => {
        await client
          .multi()
          .zAdd(PREFIX + key, { score: entry.at, value: member(entry) })
          .zRemRangeByScore(PREFIX + key, '-inf', entry.at - ttlMs)
          .pExpire(PREFIX + key, ttlMs)
          .exec();
      },
      () => this.fallback.add(key, entry, ttlMs),
    );
  }

  list(key: string, since: number): Promise<AttemptEntry[]> {
    return this.attempt(
      async (client) => {
        const found = await client.zRangeWithScores(PREFIX + key, `(${since}`, '+inf', {
          BY: 'SCORE',
        });
        return found.map(({ value, score }) => parse(value, score));
      },
      () => this.fallback.list(key, since),
    );
  }

  async remove(key: string, ids: readonly string[]): Promise<void> {
    await this.attempt(
      async (client) => {
        const members = await client.zRange(PREFIX + key, 0, -1);
        const doomed = members.filter((value) => ids.includes(value.split('|', 1)[0] ?? ''));
        if (doomed.length > 0) await client.zRem(PREFIX + key, doomed);
      },
      () => this.fallback.remove(key, ids),
    );
  }

  private async attempt<T>(
    work: (client: NonNullable<RedisConnection['client']>) => Promise<T>,
    fallback: () => Promise<T>,
  ): Promise<T> {
    const client = this.redis.client;
    if (!client?.isReady) return fallback();
    try {
      return await work(client);
    } catch (error) {
      this.redis.reportError(error);
      this.logger.debug('Login attempts counted in this process while Redis is unreachable');
      return fallback();
    }
  }
}

function member(entry: AttemptEntry): string {
  return `${entry.id}|${entry.tag}`;
}

function parse(value: string, score: number): AttemptEntry {
  const bar = value.indexOf('|');
  return { id: value.slice(0, bar), tag: value.slice(bar + 1), at: score };
}
