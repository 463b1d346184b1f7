import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StoreModule } from '#store';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }), StoreModule],
  controllers: [HealthController],
})
export class HealthModule {}
