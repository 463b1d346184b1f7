import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import { AppConfig } from '#config';
import { readDiskUsage } from './disk-usage.js';
import {
  failureOutcome,
  settleOutcome,
  successOutcome,
  type DiskUsageOutcome,
} from './disk-usage-outcome.js';
import { SshError, toSshError } from './ssh-errors.js';
import { withSession, type SshSession } from './ssh-session.js';
import type { DiskUsageResult, SshTarget } from './ssh.types.js';

export const DEFAULT_SSH_TIMEOUT_MS = 5000;
/** Longer deadlines would overflow setTimeout and make no sense for a status read anyway. */
const MAX_SSH_TIMEOUT_MS = 10 * 60_000;
/** A failure is remembered this long (at most the TTL): a dead host is not hammered. */
const FAILURE_TTL_MS = 5000;
/** How long a shutdown waits for sessions to go away after destroying them. */
const SHUTDOWN_WAIT_MS = 2000;

export interface DiskUsageOptions {
  /** Where the result is cached; see sshCacheKey(). */
  cacheKey: string;
  /** Read now even when a cached result exists (the fresh result replaces it). */
  bypassCache?: boolean;
  /** Deadline of the whole operation, connect included; default 5000 ms. */
  timeoutMs?: number;
  /**
   * Called as soon as a session's key exchange completed (the server proved its host key),
   * before authentication: a caller records a first-contact key here, so that it is pinned even
   * when the login or the read then fails. The read's result waits for the promise.
   */
  onHostKeyVerified?: (fingerprint: string) => Promise<void>;
}

interface InFlight {
  outcome: Promise<DiskUsageOutcome>;
  /** Set by forget(): the configuration changed meanwhile, so the result must not be cached. */
  forgotten: boolean;
}

/** Disk usage of monitored servers over SSH, cached SSH_CACHE_TTL seconds per cache key. */
@Injectable()
export class SshService implements OnApplicationShutdown {
  private readonly logger = new Logger(SshService.name);
  private readonly ttlMs: number;
  private readonly inFlight = new Map<string, InFlight>();
  /** Keys we stored, with their expiry: cache-manager cannot list keys by prefix. */
  private readonly storedKeys = new Map<string, number>();
  private readonly liveSessions = new Set<SshSession>();
  private readonly shutdown = new AbortController();
  /** Cache hits and misses since start (exported as metrics). */
  readonly cacheCounts = { hits: 0, misses: 0 };

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    config: AppConfig,
  ) {
    this.ttlMs = config.cache.sshTtlSeconds * 1000;
  }

  /**
   * Disk usage of the filesystem holding `path` on the target; cached SSH_CACHE_TTL seconds
   * under `cacheKey` (failures are cached for min(5 s, ttl) so a dead host is not hammered);
   * concurrent calls with one cacheKey share one SSH session (the first caller's target, path
   * and deadline); `bypassCache` forces a fresh read (and refreshes the cache).
   */
  async diskUsage(
    target: SshTarget,
    path: string,
    options: DiskUsageOptions,
  ): Promise<DiskUsageResult> {
    assertReadablePath(path);
    const timeoutMs = checkedTimeout(options.timeoutMs);
    if (!options.bypassCache) {
      const hit = await this.cachedOutcome(options.cacheKey);
      if (hit) {
        this.cacheCounts.hits += 1;
        return settleOutcome(hit, true);
      }
    }
    this.cacheCounts.misses += 1;
    const outcome = await this.shared(options.cacheKey, () =>
      this.read(target, path, timeoutMs, options.onHostKeyVerified),
    );
    return settleOutcome(outcome, false);
  }

  /** Drops cached results whose key starts with the prefix (a server's config changed). */
  async forget(cacheKeyPrefix: string): Promise<void> {
    for (const [key, entry] of this.inFlight) {
      if (!key.startsWith(cacheKeyPrefix)) continue;
      entry.forgotten = true;
      this.inFlight.delete(key);
    }
    const keys = [...this.storedKeys.keys()].filter((key) => key.startsWith(cacheKeyPrefix));
    for (const key of keys) this.storedKeys.delete(key);
    if (keys.length > 0) await this.cache.mdel(keys);
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    const sessions = [...this.liveSessions];
    for (const session of sessions) session.destroy();
    await waitAtMost(Promise.all(sessions.map((session) => session.closed)), SHUTDOWN_WAIT_MS);
    if (sessions.length > 0) this.logger.log(`Closed ${sessions.length} SSH session(s)`);
  }

  /** One read per key at a time: concurrent callers share it. */
  private shared(key: string, read: () => Promise<DiskUsageOutcome>): Promise<DiskUsageOutcome> {
    const running = this.inFlight.get(key);
    if (running) return running.outcome;
    const entry: InFlight = { outcome: read(), forgotten: false };
    this.inFlight.set(key, entry);
    entry.outcome = entry.outcome
      .then(async (outcome) => {
        if (!entry.forgotten) await this.remember(key, outcome);
        return outcome;
      })
      .finally(() => {
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      });
    return entry.outcome;
  }

  /** Opens a session and reads; never rejects, a failure is an outcome too. */
  private async read(
    target: SshTarget,
    path: string,
    timeoutMs: number,
    onHostKeyVerified?: (fingerprint: string) => Promise<void>,
  ): Promise<DiskUsageOutcome> {
    const recording: Promise<void>[] = [];
    const limits = {
      timeoutMs,
      signal: this.shutdown.signal,
      live: this.liveSessions,
      onHostKeyVerified:
        onHostKeyVerified &&
        ((fingerprint: string) => void recording.push(this.record(onHostKeyVerified, fingerprint))),
    };
    try {
      return await withSession(target, limits, async (session) => {
        const usage = await readDiskUsage(session, path);
        return successOutcome(usage, session.hostKey ?? '', target.pinnedHostKey === null);
      });
    } catch (error) {
      const failure = toSshError(error);
      this.logFailure(target, failure);
      return failureOutcome(failure);
    } finally {
      await Promise.all(recording);
    }
  }

  /** Runs the caller's host key callback; its failure is logged, the read goes on. */
  private async record(
    onHostKeyVerified: (fingerprint: string) => Promise<void>,
    fingerprint: string,
  ): Promise<void> {
    try {
      await onHostKeyVerified(fingerprint);
    } catch (error) {
      this.logger.warn(`Recording host key ${fingerprint} failed: ${String(error)}`);
    }
  }

  /** A cache that cannot be read is a miss: the disk is read over SSH instead. */
  private async cachedOutcome(key: string): Promise<DiskUsageOutcome | undefined> {
    try {
      return await this.cache.get<DiskUsageOutcome>(key);
    } catch (error) {
      this.logger.warn(`Cache read failed: ${String(error)}`);
      return undefined;
    }
  }

  /** A result that cannot be cached is still returned. */
  private async remember(key: string, outcome: DiskUsageOutcome): Promise<void> {
    const ttlMs = outcome.ok ? this.ttlMs : Math.min(FAILURE_TTL_MS, this.ttlMs);
    // cache-manager reads a TTL of 0 as "forever"; SSH_CACHE_TTL=0 means "do not cache".
    if (ttlMs <= 0 || this.shutdown.signal.aborted) return;
    const now = Date.now();
    for (const [stored, expiresAt] of this.storedKeys) {
      if (expiresAt <= now) this.storedKeys.delete(stored);
    }
    this.storedKeys.set(key, now + ttlMs);
    try {
      await this.cache.set(key, outcome, ttlMs);
    } catch (error) {
      this.logger.warn(`Cache write failed: ${String(error)}`);
    }
  }

  private logFailure(target: SshTarget, error: SshError): void {
    const where = `${target.username}@${target.host}:${target.port}`;
    if (error.code === 'host_key_changed') this.logger.warn(`${where}: ${error.message}`);
    else this.logger.debug(`${where}: ${error.message}`);
  }
}

/**
 * PostgreSQL reports data_directory as an absolute path; anything else (or a NUL, which no
 * path can hold) is refused before a connection is opened.
 */
function assertReadablePath(path: string): void {
  if (!path.startsWith('/') || path.includes('\0')) {
    throw new SshError('path_not_found', {
      reason: 'invalid path',
      detail: 'not an absolute path without NUL',
    });
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; leaves no timer. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([promise.then(() => undefined), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

function checkedTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_SSH_TIMEOUT_MS;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_SSH_TIMEOUT_MS)) {
    throw new RangeError(
      `timeoutMs must be between 0 and ${MAX_SSH_TIMEOUT_MS} ms, got ${timeoutMs}`,
    );
  }
  return timeoutMs;
}
