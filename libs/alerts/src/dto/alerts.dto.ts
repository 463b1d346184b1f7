import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CHECK_IDS } from '#checks';
import { QueryDate } from '#history';
import { WholeNumber } from '#http';
import { SEVERITIES } from '../catalog.js';

export const MAX_HISTORY_ROWS = 1000;

export class AlertView {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ enum: CHECK_IDS, example: 'server_reachable' }) check!: string;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description:
      'What the alert concerns (`database=app, schema=public, table=orders`, `pid=4242`); null for the check as a whole',
  })
  object!: string | null;
  @ApiProperty({
    enum: ['pending', 'firing'],
    example: 'firing',
    description: 'pending: at a level for less than the rule’s for_s; firing: notified',
  })
  state!: string;
  @ApiProperty({
    enum: SEVERITIES,
    example: 'critical',
    description: 'A check unknown for too long fires as warning',
  })
  severity!: string;
  @ApiProperty({ format: 'date-time', description: 'Since when the condition holds' })
  since!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it fired; null while pending',
  })
  fired_at!: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: Number,
    description: 'The value at the last evaluation',
  })
  value!: number | null;
  @ApiProperty({ example: 'PostgreSQL: connection refused (connect ECONNREFUSED 10.0.0.5:5432)' })
  message!: string;
  @ApiProperty({ example: false, description: 'A silence covers it: it sends nothing' })
  silenced!: boolean;
}

export class AlertHistoryView {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ enum: CHECK_IDS, example: 'server_reachable' }) check!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) object!: string | null;
  @ApiProperty({ enum: ['firing', 'resolved'], example: 'resolved' }) state!: string;
  @ApiProperty({ enum: SEVERITIES, example: 'critical' }) severity!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ format: 'date-time' }) fired_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolved_at!: string | null;
  @ApiProperty({ example: null, nullable: true, type: Number }) value!: number | null;
  @ApiProperty({ example: 'PostgreSQL: connection refused (connect ECONNREFUSED 10.0.0.5:5432)' })
  message!: string;
}

export class AlertHistoryQueryDto {
  @QueryDate(
    '2025-06-01T00:00:00Z',
    'ISO 8601; no zone means UTC. Default: 24 hours before end_date',
  )
  start_date?: string;

  @QueryDate('2025-06-02T00:00:00Z', 'ISO 8601; no zone means UTC. Default: now')
  end_date?: string;

  @ApiPropertyOptional({
    example: 'production-db',
    maxLength: 63,
    description: 'Only this server’s alerts, by name (404 if there is no such server)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  server?: string;

  @ApiPropertyOptional({ enum: CHECK_IDS, example: 'server_reachable' })
  @IsOptional()
  @IsIn(CHECK_IDS, { message: `check must be one of ${CHECK_IDS.join(', ')}` })
  check?: string;

  @ApiPropertyOptional({
    default: 100,
    minimum: 1,
    maximum: MAX_HISTORY_ROWS,
    example: 100,
    type: 'integer',
  })
  @IsOptional()
  @WholeNumber('limit', 1, MAX_HISTORY_ROWS)
  limit?: number;
}

/** GET /notification-channels/{name}/deliveries: how many, newest first. */
export class DeliveriesQueryDto extends PickType(AlertHistoryQueryDto, ['limit'] as const) {}
