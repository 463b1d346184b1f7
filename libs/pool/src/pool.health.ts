import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { PoolRegistry } from './pool-registry.js';

/**
 * Terminus indicator for the pool registry: up with its counts. It does not reach out to the
 * monitored servers: a monitored server being down is data, not ill health of pgmon.
 */
@Injectable()
export class PoolHealthIndicator {
  constructor(
    private readonly pools: PoolRegistry,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'pools'): HealthIndicatorResult {
    return this.health
      .check(key)
      .up({ pools: this.pools.size, connections: this.pools.connectionCount() });
  }
}
