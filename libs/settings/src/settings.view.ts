import { ApiProperty, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { SETTINGS } from './catalog.js';
import type { SettingState } from './settings.service.js';

/**
 * One setting as GET /api/settings shows it: the upstream project's fields first (`value` is
 * text, as its web UI compares it), then pgmon's.
 */
export class SettingView {
  @ApiProperty({ example: 'collect_interval' }) key!: string;
  @ApiProperty({ example: '60', description: 'The current value, as text (see value_type)' })
  value!: string;
  @ApiProperty({ enum: ['int'] }) value_type!: 'int';
  @ApiProperty({ example: 'Seconds between history samples of each server' })
  description!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When an admin set it; null while the environment gives it',
  })
  updated_at!: string | null;
  @ApiProperty({ example: 'admin', nullable: true, type: String }) updated_by!: string | null;
  @ApiProperty({ enum: ['env', 'store'], description: 'store: set by an admin' })
  source!: 'env' | 'store';
  @ApiProperty({
    example: 60,
    type: 'integer',
    description: 'The environment’s value: what applies while no admin set one',
  })
  default!: number;
  @ApiProperty({ example: 5, type: 'integer' }) min!: number;
  @ApiProperty({ example: 86400, type: 'integer' }) max!: number;
  @ApiProperty({ enum: ['seconds', 'days'] }) unit!: string;
  @ApiProperty({ example: 'COLLECT_INTERVAL', description: 'The environment variable' })
  env!: string;

  static from(state: SettingState): SettingView {
    const { definition } = state;
    return {
      key: definition.key,
      value: String(state.value),
      value_type: 'int',
      description: definition.description,
      updated_at: state.updatedAt === null ? null : new Date(state.updatedAt).toISOString(),
      updated_by: state.updatedBy,
      source: state.source,
      default: state.fallback,
      min: definition.min,
      max: definition.max,
      unit: definition.unit,
      env: definition.env,
    };
  }
}

/** GET and PUT answer: every setting by key (the upstream project's shape). */
export function settingsResponseSchema(): SchemaObject {
  const keys = SETTINGS.map((setting) => setting.key);
  return {
    type: 'object',
    properties: Object.fromEntries(keys.map((key) => [key, { $ref: getSchemaPath(SettingView) }])),
    required: keys,
  };
}

/** PUT body: any of the settings, each a whole number within its bounds. */
export function settingsBodySchema(): SchemaObject {
  return {
    type: 'object',
    minProperties: 1,
    properties: Object.fromEntries(
      SETTINGS.map((setting) => [
        setting.key,
        {
          type: 'integer',
          minimum: setting.min,
          maximum: setting.max,
          example: setting.example,
          description: `${setting.description} (${setting.env} until set here)`,
        },
      ]),
    ),
    example: { collect_interval: 120, history_retention_days: 30 },
  };
}
