import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AlertRulesService, AlertRuleView, ServerRuleView, UpdateAlertRuleDto } from '#alerts';
import { ApiAuth, AuditActor, Roles, type RequestActor } from '#auth';
import { ApiErrors } from '#http';
import { CHECK_IDS } from '#checks';

/** Alert rules: per check, for every server and per server. */
@ApiTags('alerts')
@ApiAuth()
@ApiExtraModels(ServerRuleView)
@Controller('alert-rules')
export class AlertRulesController {
  constructor(private readonly rules: AlertRulesService) {}

  @Get()
  @ApiOperation({
    summary:
      'The rule of every check: levels, whether and after how long it alerts, per-server changes',
  })
  @ApiOkResponse({ type: [AlertRuleView] })
  list(): Promise<AlertRuleView[]> {
    return this.rules.list();
  }

  @Put(':check')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a check’s rule (admin); omitted fields keep their value',
    description:
      'warning and critical replace the check’s levels (defaults, then CHECK_THRESHOLDS) on every server; servers, when sent, replaces every per-server setting of the check. The levels change what GET /server/{name}/checks evaluates, from the next evaluation on.',
  })
  // No enum: a check that is not in the catalog is a 404 (no such check), not a 422.
  @ApiParam({
    name: 'check',
    description: `One of ${CHECK_IDS.join(', ')}`,
    example: 'long_running_queries',
  })
  @ApiOkResponse({ type: AlertRuleView })
  @ApiErrors({
    404: 'No such check',
    422: 'A field of the wrong type, an unknown server, or a warning level beyond the critical one',
  })
  update(
    @Param('check') check: string,
    @Body() body: UpdateAlertRuleDto,
    @AuditActor() actor: RequestActor,
  ): Promise<AlertRuleView> {
    return this.rules.update(check, body, actor);
  }
}
