import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNumber, IsObject, ValidateIf } from 'class-validator';
import { CHECK_IDS } from '#checks';
import { IsOmittable, WholeNumber } from '#http';

/** A week: the longest an alert may wait before it fires. */
export const MAX_WAIT_S = 604_800;

const isLevel = (_dto: unknown, value: unknown): boolean => value !== undefined && value !== null;

export class ServerRuleView {
  @ApiPropertyOptional({
    example: 1800,
    nullable: true,
    type: Number,
    description: 'null: no warning level on this server',
  })
  warning?: number | null;
  @ApiPropertyOptional({
    example: 7200,
    nullable: true,
    type: Number,
    description: 'null: no critical level on this server',
  })
  critical?: number | null;
  @ApiPropertyOptional({
    example: true,
    description: 'false: this check never alerts on this server',
  })
  enabled?: boolean;
}

export class AlertRuleView {
  @ApiProperty({ enum: CHECK_IDS, example: 'long_running_queries' }) check!: string;
  @ApiProperty({
    example: true,
    description: 'Whether the check alerts at all (per server: see servers)',
  })
  enabled!: boolean;
  @ApiProperty({
    example: 60,
    nullable: true,
    type: Number,
    description:
      'Level for every server (the check’s unit); null: none. Changes what the check evaluates, not only what alerts',
  })
  warning!: number | null;
  @ApiProperty({ example: 300, nullable: true, type: Number }) critical!: number | null;
  @ApiProperty({
    example: 0,
    type: 'integer',
    description:
      'Seconds the check stays at warning or critical before the alert fires (pending until then)',
  })
  for_s!: number;
  @ApiProperty({
    example: 900,
    nullable: true,
    type: 'integer',
    description:
      'Seconds the check may stay unknown on a server that answers before an alert fires; null: never',
  })
  unknown_for_s!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ServerRuleView' },
    example: { reports: { warning: 1800, critical: 7200 } },
    description: 'Per server name: what differs there (absent fields inherit the rule’s)',
  })
  servers!: Record<string, ServerRuleView>;
}

/** PUT /alert-rules/{check}: omitted fields keep their value; `servers`, when sent, replaces them all. */
export class UpdateAlertRuleDto {
  @ApiPropertyOptional({ example: true })
  @IsOmittable()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({
    example: 120,
    nullable: true,
    type: Number,
    description: 'null: no warning level',
  })
  @ValidateIf(isLevel)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'warning must be a number or null' },
  )
  warning?: number | null;

  @ApiPropertyOptional({
    example: 600,
    nullable: true,
    type: Number,
    description: 'null: no critical level',
  })
  @ValidateIf(isLevel)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'critical must be a number or null' },
  )
  critical?: number | null;

  @ApiPropertyOptional({ example: 60, minimum: 0, maximum: MAX_WAIT_S, type: 'integer' })
  @IsOmittable()
  @WholeNumber('for_s', 0, MAX_WAIT_S)
  for_s?: number;

  @ApiPropertyOptional({
    example: 900,
    minimum: 0,
    maximum: MAX_WAIT_S,
    nullable: true,
    type: 'integer',
  })
  @ValidateIf(isLevel)
  @WholeNumber('unknown_for_s', 0, MAX_WAIT_S)
  unknown_for_s?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ServerRuleView' },
    example: {},
    description:
      'Per existing server name: warning, critical (number or null), enabled; replaces every per-server setting of the check ({} removes them)',
  })
  @IsOmittable()
  @IsObject({ message: 'servers must be an object of server names' })
  servers?: Record<string, unknown>;
}
