import { Module } from '@nestjs/common';
import { AlertsModule } from '#alerts';
import { AlertRulesController } from './alert-rules.controller.js';
import { AlertsController } from './alerts.controller.js';
import { NotificationChannelsController } from './notification-channels.controller.js';
import { SilencesController } from './silences.controller.js';

/** /alerts, /alert-rules, /silences and /notification-channels. */
@Module({
  imports: [AlertsModule],
  controllers: [
    AlertsController,
    AlertRulesController,
    SilencesController,
    NotificationChannelsController,
  ],
})
export class AlertsRoutesModule {}
