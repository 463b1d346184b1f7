import { Module } from '@nestjs/common';
import { ChecksModule } from '#checks';
import { CollectorModule } from '#collector';
import { SecretsModule } from '#secrets';
import { ServersModule } from '#servers';
import { StoreModule } from '#store';
import { AlertEvaluator } from './alert-evaluator.js';
import { AlertsMetrics } from './alerts.metrics.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { ChannelsRepository } from './channels/channels.repository.js';
import { ChannelsService } from './channels/channels.service.js';
import { DeliveriesRepository } from './delivery/deliveries.repository.js';
import { DeliveriesService } from './delivery/deliveries.service.js';
import { DeliveryWorker } from './delivery/delivery.worker.js';
import { EmailSender } from './delivery/email.sender.js';
import { Notifier } from './delivery/notifier.js';
import { WebhookSender } from './delivery/webhook.sender.js';
import { AlertRulesRepository } from './rules/alert-rules.repository.js';
import { AlertRulesService } from './rules/alert-rules.service.js';
import { SilencesRepository } from './silences/silences.repository.js';
import { SilencesService } from './silences/silences.service.js';

/**
 * Alerts: rules (whose levels the checks use), the evaluation that follows each stored checks
 * run, silences, notification channels and the delivery of their messages (an outbox in the
 * store, sent where the collector runs). Loaded by the API and by the collector process.
 */
@Module({
  imports: [StoreModule, ServersModule, SecretsModule, ChecksModule, CollectorModule],
  providers: [
    AlertRulesRepository,
    AlertRulesService,
    AlertsRepository,
    AlertsService,
    AlertEvaluator,
    AlertsMetrics,
    SilencesRepository,
    SilencesService,
    ChannelsRepository,
    ChannelsService,
    DeliveriesRepository,
    DeliveriesService,
    DeliveryWorker,
    Notifier,
    WebhookSender,
    EmailSender,
  ],
  exports: [AlertRulesService, AlertsService, SilencesService, ChannelsService, DeliveriesService],
})
export class AlertsModule {}
