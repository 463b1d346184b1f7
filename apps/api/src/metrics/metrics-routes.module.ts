import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { MetricsAuthGuard } from './metrics-auth.guard.js';
import { MetricsController } from './metrics.controller.js';

/** GET /metrics: renders the registry every library registered its series in. */
@Module({ imports: [AuthModule], controllers: [MetricsController], providers: [MetricsAuthGuard] })
export class MetricsRoutesModule {}
