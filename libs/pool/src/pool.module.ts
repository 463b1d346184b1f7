import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolHealthIndicator } from './pool.health.js';
import { PoolMetrics } from './pool.metrics.js';
import { PoolRegistry } from './pool-registry.js';

@Module({
  imports: [TerminusModule],
  providers: [PoolRegistry, PoolHealthIndicator, PoolMetrics],
  exports: [PoolRegistry, PoolHealthIndicator],
})
export class PoolModule {}
