import { Module } from '@nestjs/common';
import { PoolModule } from '#pool';
import { ServersModule } from '#servers';
import { TargetQuery } from './target-query.js';

/** The one way to ask a monitored server something (see TargetQuery). */
@Module({
  imports: [PoolModule, ServersModule],
  providers: [TargetQuery],
  exports: [TargetQuery],
})
export class TargetQueryModule {}
