import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { PoolRegistry } from './pool-registry.js';

const POOL_COUNTERS = [
  ['pgmon_pool_acquired_total', 'acquired', 'Connections handed out by each pool'],
  ['pgmon_pool_waits_total', 'waited', 'Acquisitions that had to wait for a free connection'],
  ['pgmon_pool_errors_total', 'errors', 'Connection errors of each pool'],
] as const;

/**
 * Prometheus series of the connection pools, read from PoolRegistry when scraped: each pool
 * keeps its own counts (GET /api/pools/status shows them too), so nothing is counted twice.
 */
@Injectable()
export class PoolMetrics {
  constructor(registry: Registry, pools: PoolRegistry) {
    new Gauge({
      name: 'pgmon_pool_connections',
      help: 'Connections of each pool to a monitored database, by state',
      labelNames: ['pool', 'server', 'state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [pool, status] of Object.entries(pools.status())) {
          for (const state of ['total', 'idle', 'waiting'] as const)
            this.set({ pool, server: status.server, state }, status[state]);
          this.set({ pool, server: status.server, state: 'max' }, status.maxconn);
        }
      },
    });
    for (const [name, field, help] of POOL_COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ['pool', 'server'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [pool, status] of Object.entries(pools.status()))
            this.inc({ pool, server: status.server }, status[field]);
        },
      });
    }
  }
}
