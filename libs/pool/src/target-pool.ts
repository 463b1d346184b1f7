import pg from 'pg';
import type { PoolProfile, TargetLimits } from '#config';
import { isConnectionBroken } from './broken-connection.js';
import { ClosingClient, destroyClient, type ClosingClientConfig } from './closing-client.js';
import { DeadlineExceededError, within } from './deadline.js';
import { DEFAULT_FRAME_LIMITS, STATS_DB_FRAME_LIMITS, type FrameLimits } from './frame-guard.js';
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

  /**
   * Runs `work` on a pooled client within `deadlineMs` (waiting for a connection included).
   * At the deadline the client's socket is destroyed, so a slow or hostile server stops costing
   * anything even after the caller has moved on; a broken client is never reused.
   */
  async use<T>(work: (client: pg.PoolClient) => Promise<T>, deadlineMs: number): Promise<T> {
    const started = Date.now();
    this.lastUsedAt = started;
    if (this.pool.idleCount === 0 && this.pool.totalCount >= this.profile.max) this.waited += 1;
    const connecting = this.connect();
    const client = await within(deadlineMs, connecting, () => {
      // The pool may still hand the connection over later: give it straight back.
      connecting.then(
        (late) => late.release(),
        () => undefined,
      );
    });
    this.acquired += 1;
    this.checkedOut += 1;
    // pg-pool listens for errors of idle clients only; a checked-out client whose socket fails
    // (cut by us, or by the server) would otherwise throw from its 'error' event. The query
    // itself rejects with the same error, which is where it is handled.
    client.on('error', ignore);
    try {
      const left = deadlineMs - (Date.now() - started);
      const result = await within(left, work(client), () => destroyClient(client));
      client.off('error', ignore);
      client.release();
      return result;
    } catch (error) {
      const broken = isConnectionBroken(error) || error instanceof DeadlineExceededError;
      client.off('error', ignore);
      client.release(broken ? asError(error) : undefined);
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

/** What one answer may weigh: a seed stats_db's raw history is much larger than a status row. */
export function frameLimitsFor(target: PgTarget): FrameLimits {
  return target.profile === 'stats_db' ? STATS_DB_FRAME_LIMITS : DEFAULT_FRAME_LIMITS;
}

/** Connection settings shared by pooled and one-off connections. */
export function clientConfig(target: PgTarget, limits: TargetLimits): ClosingClientConfig {
  return {
    frameLimits: frameLimitsFor(target),
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

function ignore(): void {}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('connection broken');
}
