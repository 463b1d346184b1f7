import pg from 'pg';
import type { PoolProfile, TargetLimits } from '#config';
import { isConnectionBroken } from './broken-connection.js';
import { ClosingClient, type ClosingClientConfig } from './closing-client.js';
import type { PgTarget } from './pg-target.js';

/** Extra time the client waits beyond statement_timeout before it gives up on the server. */
const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/** One pg pool to one target, with the counters GET /api/pools/status reports. */
export class TargetPool {
  readonly pool: pg.Pool;
  peak = 0;
  acquired = 0;
  waited = 0;
  errors = 0;
  lastUsedAt = Date.now();
  private checkedOut = 0;
  closed = false;

  constructor(
    readonly target: PgTarget,
    readonly profile: PoolProfile,
    limits: TargetLimits,
  ) {
    this.pool = new pg.Pool(poolConfig(target, profile, limits));
    this.pool.on('connect', () => {
      this.peak = Math.max(this.peak, this.pool.totalCount);
    });
    // An idle connection dropped by the server (restart, pg_terminate_backend) is removed by pg;
    // without a listener the error would crash the process.
    this.pool.on('error', () => {
      this.errors += 1;
    });
  }

  /** Runs `work` on a pooled client; a broken client is destroyed instead of reused. */
  async use<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.lastUsedAt = Date.now();
    if (this.pool.idleCount === 0 && this.pool.totalCount >= this.profile.max) this.waited += 1;
    const client = await this.connect();
    this.acquired += 1;
    this.checkedOut += 1;
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(isConnectionBroken(error) ? asError(error) : undefined);
      throw error;
    } finally {
      this.checkedOut -= 1;
      this.lastUsedAt = Date.now();
    }
  }

  get busy(): boolean {
    return this.checkedOut > 0 || this.pool.waitingCount > 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      this.errors += 1;
      throw error;
    }
  }
}

function poolConfig(target: PgTarget, profile: PoolProfile, limits: TargetLimits): pg.PoolConfig {
  return {
    ...clientConfig(target, limits),
    Client: ClosingClient,
    min: profile.min,
    max: profile.max,
    idleTimeoutMillis: limits.poolIdleTimeoutSeconds * 1000,
    maxUses: limits.poolMaxUses === 0 ? Infinity : limits.poolMaxUses,
  };
}

/** Connection settings shared by pooled and one-off connections. */
export function clientConfig(target: PgTarget, limits: TargetLimits): ClosingClientConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // A promise, so that a password that cannot be decrypted fails the connect, not the caller.
    password: () => new Promise<string>((resolve) => resolve(target.password() ?? '')),
    ssl: sslOption(target),
    connectionTimeoutMillis: limits.connectTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
    query_timeout: limits.statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
    application_name: 'pgmon',
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    allowCleartextPassword: limits.allowCleartextPassword,
  };
}

function sslOption(target: PgTarget): pg.PoolConfig['ssl'] {
  if (target.sslMode === 'disable') return false;
  if (target.sslMode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, servername: target.host };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('connection broken');
}
