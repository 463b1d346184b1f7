import { Module } from '@nestjs/common';
import { StoreModule } from '#store';
import { SettingsRepository } from './settings.repository.js';
import { SettingsService } from './settings.service.js';

/** Runtime settings; needs the global cache module (InvalidationBus) of the app it runs in. */
@Module({
  imports: [StoreModule],
  providers: [SettingsRepository, SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
