import type { AppConfig } from '#config';

/** A runtime setting: whole numbers within bounds, the environment's value until an admin sets one. */
export interface SettingDefinition {
  readonly key: string;
  readonly description: string;
  readonly unit: 'seconds' | 'days';
  readonly min: number;
  readonly max: number;
  /** A realistic value, for the OpenAPI document. */
  readonly example: number;
  /** The environment variable that gives the value no admin has set. */
  readonly env: string;
  readonly fallback: (config: AppConfig) => number;
}

/**
 * Every runtime setting, by key. A feature adds its own here (its interval or retention, with
 * the environment variable that stays the default) and reads it with SettingsService.value():
 * GET/PUT /api/settings, validation, audit and the propagation to every process follow.
 * Keys shared with the upstream project keep its names (collect_interval,
 * size_update_interval, logs_retention_days).
 */
export const SETTINGS = [
  {
    key: 'collect_interval',
    description: 'Seconds between history samples of each server',
    unit: 'seconds',
    min: 5,
    max: 86_400,
    example: 120,
    env: 'COLLECT_INTERVAL',
    fallback: (config: AppConfig) => config.collector.intervalSeconds,
  },
  {
    key: 'size_update_interval',
    description: 'Seconds between measurements of database sizes',
    unit: 'seconds',
    min: 5,
    max: 86_400,
    example: 3600,
    env: 'COLLECT_SIZE_INTERVAL',
    fallback: (config: AppConfig) => config.collector.sizeIntervalSeconds,
  },
  {
    key: 'checks_interval',
    description: 'Seconds between evaluations of the health checks of each server',
    unit: 'seconds',
    min: 1,
    max: 86_400,
    example: 60,
    env: 'CHECKS_INTERVAL',
    fallback: (config: AppConfig) => config.checks.intervalSeconds,
  },
  {
    key: 'history_retention_days',
    description: 'Days of history kept',
    unit: 'days',
    min: 1,
    max: 3650,
    example: 30,
    env: 'HISTORY_RETENTION_DAYS',
    fallback: (config: AppConfig) => config.collector.retentionDays,
  },
  {
    key: 'logs_retention_days',
    description: 'Days of pgmon’s own events (GET /api/logs) kept',
    unit: 'days',
    min: 1,
    max: 3650,
    example: 30,
    env: 'LOGS_RETENTION_DAYS',
    fallback: (config: AppConfig) => config.log.eventsRetentionDays,
  },
] as const satisfies readonly SettingDefinition[];

export type SettingKey = (typeof SETTINGS)[number]['key'];

export const SETTING_KEYS: readonly SettingKey[] = SETTINGS.map((setting) => setting.key);

export function definitionOf(key: SettingKey): SettingDefinition {
  const definition: SettingDefinition | undefined = SETTINGS.find((s) => s.key === key);
  if (!definition) throw new Error(`unknown setting ${key}`);
  return definition;
}

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}
