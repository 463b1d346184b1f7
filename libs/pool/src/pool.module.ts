import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolHealthIndicator } from './pool.health.js';
import { PoolRegistry } from './pool-registry.js';
import { PoolsController } from './pools.controller.js';

@Module({
  imports: [TerminusModule],
  controllers: [PoolsController],
  providers: [PoolRegistry, PoolHealthIndicator],
  exports: [PoolRegistry, PoolHealthIndicator],
})
export class PoolModule {}
