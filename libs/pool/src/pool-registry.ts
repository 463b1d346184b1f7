import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg, { type PoolClient } from 'pg';
import { AppConfig, type TargetLimits } from '#config';
import { poolInstanceKey, poolKey, type PgTarget } from './pg-target.js';
import type { PoolStatusView } from './pool-status.js';
import { ClosingClient, destroyClient } from './closing-client.js';
import { within } from './deadline.js';
import { clientConfig, TargetPool } from './target-pool.js';

/** Extra time a call gets beyond its connect and statement timeouts. */
const DEADLINE_MARGIN_MS = 1000;
/** How long a polite close of a one-off connection may take before its socket is cut. */
const CLOSE_WAIT_MS = 1000;

/**
 * One `pg` pool per monitored database (`host:port:user:database` of one server config),
 * created on first use, sized by profile, closed after POOL_CLOSE_AFTER seconds unused, dropped
 * at once when its server's config changes, and all closed on shutdown.
 */
@Injectable()
export class PoolRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PoolRegistry.name);
  private readonly pools = new Map<string, TargetPool>();
  private readonly limits: TargetLimits;
  private sweeper: NodeJS.Timeout | undefined;
  private shuttingDown = false;

  constructor(config: AppConfig) {
    this.limits = config.targets;
  }

  onModuleInit(): void {
    const everyMs = Math.min(30_000, (this.limits.poolCloseAfterSeconds * 1000) / 2);
    this.sweeper = setInterval(() => void this.closeUnused(), everyMs);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.sweeper);
    await this.closeAll();
  }

  /**
   * Runs `work` with a pooled connection to the target. The whole call, waiting for a
   * connection included, gets `deadlineMs` (default: connect plus statement timeout); at the
   * deadline the connection is cut and the call rejects with DeadlineExceededError.
   */
  withClient<T>(
    target: PgTarget,
    work: (client: PoolClient) => Promise<T>,
    deadlineMs = this.defaultDeadlineMs,
  ): Promise<T> {
    if (this.shuttingDown) return Promise.reject(new Error('pgmon is shutting down'));
    return this.poolFor(target).use(work, deadlineMs);
  }

  /**
   * Runs `work` on a new connection that is closed afterwards, bypassing the pool: to test
   * that credentials work now, not that a pooled connection opened earlier still does. Same
   * deadline rule as withClient.
   */
  async withFreshConnection<T>(
    target: PgTarget,
    work: (client: pg.Client) => Promise<T>,
    deadlineMs = this.defaultDeadlineMs,
  ): Promise<T> {
    const client = new ClosingClient(clientConfig(target, this.limits));
    client.on('error', () => undefined);
    const connectAndWork = async (): Promise<T> => {
      await client.connect();
      return work(client);
    };
    try {
      return await within(deadlineMs, connectAndWork(), () => destroyClient(client));
    } finally {
      await within(CLOSE_WAIT_MS, client.end(), () => destroyClient(client)).catch(() => undefined);
    }
  }

  /** Connect plus statement timeout, plus a margin for the round trips around them. */
  get defaultDeadlineMs(): number {
    return this.limits.connectTimeoutMs + this.limits.statementTimeoutMs + DEADLINE_MARGIN_MS;
  }

  /** Closes every pool of the server (its config changed or it was deleted). */
  async dropServer(serverId: number): Promise<void> {
    const doomed = [...this.pools.entries()].filter(
      ([, pool]) => pool.target.serverId === serverId,
    );
    for (const [key] of doomed) this.pools.delete(key);
    await Promise.all(doomed.map(([, pool]) => pool.close()));
  }

  get size(): number {
    return this.pools.size;
  }

  /** The seed's `{"host:port:user:db": {minconn, maxconn, closed}}` plus live counts. */
  status(): Record<string, PoolStatusView> {
    const entries: [string, PoolStatusView][] = [];
    for (const pool of this.pools.values()) {
      const key = poolKey(pool.target);
      const unique = entries.some(([existing]) => existing === key)
        ? `${key} (${pool.target.serverName})`
        : key;
      entries.push([unique, describePool(pool)]);
    }
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Total open connections per pool, for health and metrics. */
  connectionCount(): number {
    let total = 0;
    for (const pool of this.pools.values()) total += pool.pool.totalCount;
    return total;
  }

  private poolFor(target: PgTarget): TargetPool {
    const key = poolInstanceKey(target);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new TargetPool(target, this.limits.pools[target.profile], this.limits);
      this.pools.set(key, pool);
      this.logger.debug(`Created pool ${poolKey(target)} for ${target.serverName}`);
    }
    return pool;
  }

  private async closeUnused(): Promise<void> {
    const cutoff = Date.now() - this.limits.poolCloseAfterSeconds * 1000;
    const unused = [...this.pools.entries()].filter(
      ([, pool]) => !pool.busy && pool.lastUsedAt < cutoff,
    );
    for (const [key] of unused) this.pools.delete(key);
    await Promise.all(unused.map(([, pool]) => pool.close()));
    if (unused.length > 0) this.logger.debug(`Closed ${unused.length} unused pool(s)`);
  }

  private async closeAll(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((pool) => pool.close()));
  }
}

function describePool(pool: TargetPool): PoolStatusView {
  return {
    minconn: pool.profile.min,
    maxconn: pool.profile.max,
    closed: pool.closed,
    total: pool.pool.totalCount,
    idle: pool.pool.idleCount,
    waiting: pool.pool.waitingCount,
    server: pool.target.serverName,
    profile: pool.target.profile,
    peak: pool.peak,
    acquired: pool.acquired,
    waited: pool.waited,
    errors: pool.errors,
    last_used_at: new Date(pool.lastUsedAt).toISOString(),
  };
}
