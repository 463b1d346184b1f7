import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, AuditActor, Roles, type RequestActor } from '#auth';
import { ApiErrors } from '#http';
import {
  parseSettingChanges,
  SettingsService,
  settingsBodySchema,
  settingsResponseSchema,
  SettingView,
} from '#settings';

/**
 * /api/settings: collector intervals and retention, changed at runtime. Every user reads them
 * (the collector's status shows them too); an admin changes them, for every process at once.
 */
@ApiTags('settings')
@ApiAuth()
@ApiExtraModels(SettingView)
@Controller('api/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'Every runtime setting by key, with its value and where it comes from' })
  @ApiOkResponse({ schema: settingsResponseSchema() })
  list(): Record<string, SettingView> {
    return this.view();
  }

  @Put()
  @Roles('admin')
  @ApiOperation({
    summary: 'Change settings (admin); they apply without a restart, in every process',
    description:
      'Only the settings sent change; unknown keys are ignored. The API and collector processes apply a change at once with REDIS_URL, else within 5 seconds.',
  })
  @ApiBody({ schema: settingsBodySchema() })
  @ApiOkResponse({ schema: settingsResponseSchema() })
  @ApiErrors({ 422: 'A value out of its bounds, or no setting sent' })
  async update(
    @Body() body: unknown,
    @AuditActor() actor: RequestActor,
  ): Promise<Record<string, SettingView>> {
    await this.settings.update(parseSettingChanges(body), actor);
    return this.view();
  }

  private view(): Record<string, SettingView> {
    return Object.fromEntries(
      this.settings.list().map((state) => [state.definition.key, SettingView.from(state)]),
    );
  }
}
