import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { AppConfig } from '#config';
import { PoolHealthIndicator, PoolRegistry } from '#pool';
import { StoreHealthIndicator } from '#store';
import type { HealthView } from './health.view.js';

/** How long one run of the checks answers GET /api/health (probes and balancers poll it). */
const FRESH_MS = 1000;

/**
 * The API's health: the store and the pool registry, checked for real at most once a second
 * whatever the polling rate. A memo rather than cache-manager: it is this process's own
 * health, which a shared cache (Redis) must never serve for another replica.
 */
@Injectable()
export class ApiHealthService {
  private last: { at: number; result: Promise<HealthCheckResult> } | undefined;
  /** The last run's result once it settled, for answers that cannot wait (the fast lane). */
  private settled: { at: number; result: HealthCheckResult } | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly store: StoreHealthIndicator,
    private readonly pools: PoolHealthIndicator,
    private readonly registry: PoolRegistry,
    private readonly config: AppConfig,
  ) {}

  /** The answer, and whether it is healthy (else 503). */
  async view(): Promise<{ healthy: boolean; view: HealthView }> {
    return this.viewOf(await this.result());
  }

  /**
   * Without waiting: the answer of the last finished run while it is fresh, or while the run
   * after it is under way (started less than a second ago); else undefined.
   */
  viewNow(now = Date.now()): { healthy: boolean; view: HealthView } | undefined {
    const settled = this.settled;
    const last = this.last;
    if (!settled || !last) return undefined;
    const fresh = settled.at === last.at ? now - settled.at < FRESH_MS : now - last.at < FRESH_MS;
    return fresh ? this.viewOf(settled.result, now) : undefined;
  }

  private viewOf(
    result: HealthCheckResult,
    now = Date.now(),
  ): { healthy: boolean; view: HealthView } {
    return {
      healthy: result.status === 'ok' || result.status === 'degraded',
      view: {
        status: result.status,
        timestamp: new Date(now).toISOString(),
        pools_count: this.registry.size,
        version: this.config.version,
        log_level: this.config.log.level,
        checks: result.details,
      },
    };
  }

  private result(): Promise<HealthCheckResult> {
    if (this.last && Date.now() - this.last.at < FRESH_MS) return this.last.result;
    const at = Date.now();
    const result = this.runChecks();
    this.last = { at, result };
    void result.then((settled) => (this.settled = { at, result: settled }));
    return result;
  }

  private async runChecks(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.store.check(), () => this.pools.check()]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }
}
