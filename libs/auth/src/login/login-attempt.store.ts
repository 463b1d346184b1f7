import { Injectable } from '@nestjs/common';

/** One login attempt kept under a key: when, and a tag telling whose it was (account or address). */
export interface AttemptEntry {
  id: string;
  at: number;
  tag: string;
}

/**
 * Where LoginAttemptsService keeps attempts: a few timestamped entries per key; entries older
 * than `ttlMs` may be dropped. In memory for one process; several API replicas need a shared
 * implementation (a Redis sorted set per key: ZADD, ZRANGEBYSCORE, ZREM, PEXPIRE).
 */
export interface LoginAttemptStore {
  add(key: string, entry: AttemptEntry, ttlMs: number): Promise<void>;
  /** The entries under `key` since `since`, oldest first. */
  list(key: string, since: number): Promise<AttemptEntry[]>;
  remove(key: string, ids: readonly string[]): Promise<void>;
}

export const LOGIN_ATTEMPT_STORE = Symbol('LoginAttemptStore');

/** Past this many keys the least recently written are forgotten, bounding memory. */
const MAX_KEYS = 10_000;
/**
 * Entries kept per key: far more than any sensible lockout limit. Entries only reach a key
 * while it is under its limit, so this cuts nothing but a misconfiguration.
 */
const MAX_ENTRIES_PER_KEY = 1_000;

/** The in-process LoginAttemptStore: a Map in insertion (= last write) order. */
@Injectable()
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  private readonly keys = new Map<string, AttemptEntry[]>();

  add(key: string, entry: AttemptEntry, ttlMs: number): Promise<void> {
    const live = (this.keys.get(key) ?? []).filter((kept) => kept.at > entry.at - ttlMs);
    this.keys.delete(key);
    this.keys.set(key, [...live, entry].slice(-MAX_ENTRIES_PER_KEY));
    if (this.keys.size > MAX_KEYS) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return Promise.resolve();
  }

  list(key: string, since: number): Promise<AttemptEntry[]> {
    return Promise.resolve((this.keys.get(key) ?? []).filter((entry) => entry.at > since));
  }

  remove(key: string, ids: readonly string[]): Promise<void> {
    const entries = this.keys.get(key);
    if (entries)
      this.keys.set(
        key,
        entries.filter((entry) => !ids.includes(entry.id)),
      );
    return Promise.resolve();
  }
}
