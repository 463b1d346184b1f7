import { Module } from '@nestjs/common';
import { PoolModule } from '#pool';
import { PoolsController } from './pools.controller.js';

/** GET /api/pools/status. */
@Module({ imports: [PoolModule], controllers: [PoolsController] })
export class PoolsRoutesModule {}
