import { Module } from '@nestjs/common';
import { SettingsModule } from '#settings';
import { SettingsController } from './settings.controller.js';

/** /api/settings. */
@Module({ imports: [SettingsModule], controllers: [SettingsController] })
export class SettingsRoutesModule {}
