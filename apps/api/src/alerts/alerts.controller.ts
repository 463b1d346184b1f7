import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlertHistoryQueryDto, AlertHistoryView, AlertsService, AlertView } from '#alerts';
import { ApiAuth } from '#auth';
import { ApiErrors } from '#http';

/** Pending and firing alerts, and those of the past. */
@ApiTags('alerts')
@ApiAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Pending and firing alerts: firing first, critical first, then the oldest',
    description:
      'An alert is one (server, check, object); it fires once its check stayed at warning or critical for the rule’s for_s, and resolves when the check is back to ok. Evaluated after each checks run (CHECKS_INTERVAL).',
  })
  @ApiOkResponse({ type: [AlertView] })
  open(): Promise<AlertView[]> {
    return this.alerts.open();
  }

  @Get('history')
  @ApiOperation({
    summary:
      'Alerts that fired and were firing during the period (default: the last 24 hours), newest first',
  })
  @ApiOkResponse({ type: [AlertHistoryView] })
  @ApiErrors({
    404: 'No such server',
    422: 'Bad date, start_date after end_date, bad check or limit',
  })
  history(@Query() query: AlertHistoryQueryDto): Promise<AlertHistoryView[]> {
    return this.alerts.history(query);
  }
}
