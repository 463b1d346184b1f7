import { randomUUID } from 'node:crypto';
import { coalesceAsync } from '@cacheable/utils';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { CacheMetrics, SharedReads } from '#cache';
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
/** How much longer than a read's deadline another replica waits for it. */
const LOCK_MARGIN_MS = 1000;
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

/** Disk usage of monitored servers over SSH, cached SSH_CACHE_TTL seconds per cache key. */
@Injectable()
export class SshService implements OnApplicationShutdown {
  private readonly logger = new Logger(SshService.name);
  private readonly ttlMs: number;
  /** Names this instance's reads in coalesceAsync's process-wide table. */
  private readonly instance = randomUUID();
  private readonly liveSessions = new Set<SshSession>();
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly metrics: CacheMetrics,
    private readonly shared: SharedReads,
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
    const key = options.cacheKey;
    const read = () =>
      coalesceAsync(`${this.instance}:${key}`, () =>
        this.read(target, path, timeoutMs, options.onHostKeyVerified),
      );
    if (options.bypassCache || this.ttlMs <= 0) {
      this.metrics.miss('ssh');
      const outcome = await read();
      if (this.ttlMs > 0) await this.cache.set(key, outcome, this.ttlFor(outcome));
      return settleOutcome(outcome, false);
    }
    let produced: DiskUsageOutcome | undefined;
    const ttl = (value: DiskUsageOutcome) => Math.max(1, this.expiresIn(value));
    const load = async (): Promise<DiskUsageOutcome> =>
      (produced = await this.shared.load(
        key,
        (value: DiskUsageOutcome) => this.expiresIn(value) > 0,
        read,
        timeoutMs + LOCK_MARGIN_MS,
        ttl,
      ));
    const outcome = await this.cache.wrap(key, load, ttl);
    const cached = outcome !== produced;
    if (cached) this.metrics.hit('ssh');
    else this.metrics.miss('ssh');
    return settleOutcome(outcome, cached);
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    const sessions = [...this.liveSessions];
    for (const session of sessions) session.destroy();
    await waitAtMost(Promise.all(sessions.map((session) => session.closed)), SHUTDOWN_WAIT_MS);
    if (sessions.length > 0) this.logger.log(`Closed ${sessions.length} SSH session(s)`);
  }

  /**
   * Opens a session and logs in, nothing more (POST /api/servers/{name}/test-ssh): the host key
   * is checked (and handed to `onHostKeyVerified` at first contact); no cache. Throws SshError.
   */
  async verifyLogin(
    target: SshTarget,
    options: Pick<DiskUsageOptions, 'timeoutMs' | 'onHostKeyVerified'> = {},
  ): Promise<{ hostKey: string; firstContact: boolean }> {
    return this.inSession(
      target,
      checkedTimeout(options.timeoutMs),
      options.onHostKeyVerified,
      (session) =>
        Promise.resolve({
          hostKey: session.hostKey ?? '',
          firstContact: target.pinnedHostKey === null,
        }),
    );
  }

  /** Opens a session and reads; never rejects, a failure is an outcome too. */
  private async read(
    target: SshTarget,
    path: string,
    timeoutMs: number,
    onHostKeyVerified?: (fingerprint: string) => Promise<void>,
  ): Promise<DiskUsageOutcome> {
    try {
      return await this.inSession(target, timeoutMs, onHostKeyVerified, async (session) => {
        const usage = await readDiskUsage(session, path);
        return successOutcome(usage, session.hostKey ?? '', target.pinnedHostKey === null);
      });
    } catch (error) {
      return failureOutcome(toSshError(error));
    }
  }

  /**
   * Runs `work` on a new session, within the deadline and this process's shutdown; a failure
   * is thrown as an SshError (and logged); host key callbacks have finished when it returns.
   */
  private async inSession<T>(
    target: SshTarget,
    timeoutMs: number,
    onHostKeyVerified: ((fingerprint: string) => Promise<void>) | undefined,
    work: (session: SshSession) => Promise<T>,
  ): Promise<T> {
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
      return await withSession(target, limits, work);
    } catch (error) {
      const failure = toSshError(error);
      this.logFailure(target, failure);
      throw failure;
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

  /** How long an outcome is reused: a failure at most FAILURE_TTL_MS, so recovery shows soon. */
  private ttlFor(outcome: DiskUsageOutcome): number {
    return outcome.ok ? this.ttlMs : Math.min(FAILURE_TTL_MS, this.ttlMs);
  }

  /** Milliseconds until the outcome expires, counted from when it was read (in any replica). */
  private expiresIn(outcome: DiskUsageOutcome): number {
    return outcome.checkedAt + this.ttlFor(outcome) - Date.now();
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
