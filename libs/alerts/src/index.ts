export { AlertsModule } from './alerts.module.js';
export { AlertsService } from './alerts.service.js';
export { AlertRulesService } from './rules/alert-rules.service.js';
export { SilencesService } from './silences/silences.service.js';
export { ChannelsService } from './channels/channels.service.js';
export { DeliveriesService } from './delivery/deliveries.service.js';
export { signature, SIGNATURE_HEADER } from './delivery/message.js';
export { AlertRuleView, ServerRuleView, UpdateAlertRuleDto } from './dto/alert-rules.dto.js';
export {
  AlertHistoryQueryDto,
  AlertHistoryView,
  AlertView,
  DeliveriesQueryDto,
} from './dto/alerts.dto.js';
export {
  ChannelTestView,
  CreateChannelDto,
  DeliveryAttemptView,
  DeliveryView,
  NotificationChannelView,
  UpdateChannelDto,
} from './dto/channels.dto.js';
export { CreateSilenceDto, SilencePathDto, SilenceView } from './dto/silences.dto.js';
