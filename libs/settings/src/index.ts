export { isSettingKey, SETTING_KEYS, SETTINGS } from './catalog.js';
export type { SettingDefinition, SettingKey } from './catalog.js';
export { SettingsModule } from './settings.module.js';
export { SETTINGS_REREAD_MS, SettingsService } from './settings.service.js';
export type { SettingsActor, SettingState } from './settings.service.js';
export { parseSettingChanges } from './setting-changes.js';
export { settingsBodySchema, settingsResponseSchema, SettingView } from './settings.view.js';
