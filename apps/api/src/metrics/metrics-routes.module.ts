import { Module } from '@nestjs/common';
import { MetricsAuthGuard } from './metrics-auth.guard.js';
import { MetricsController } from './metrics.controller.js';

/** GET /metrics: renders the registry every library registered its series in. */
@Module({ controllers: [MetricsController], providers: [MetricsAuthGuard] })
export class MetricsRoutesModule {}
