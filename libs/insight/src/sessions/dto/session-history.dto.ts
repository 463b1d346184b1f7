import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ISO_DATE_PATTERN, MAX_DATE_LENGTH } from '#history';
import { RecentPeriodQueryDto } from '../../period-query.dto.js';
import { GROUP_BYS, type GroupBy } from '../session-groups.js';

export class ActivityHistoryQueryDto extends RecentPeriodQueryDto {
  @ApiPropertyOptional({ enum: GROUP_BYS, default: 'wait_event', example: 'wait_event' })
  @IsOptional()
  @IsIn(GROUP_BYS, { message: `group_by must be one of: ${GROUP_BYS.join(', ')}` })
  group_by?: GroupBy;
}

export class ActivityAtQueryDto {
  @ApiProperty({
    example: '2025-06-03T02:40:00Z',
    pattern: ISO_DATE_PATTERN,
    maxLength: MAX_DATE_LENGTH,
    description: 'ISO 8601; no zone means UTC',
  })
  @IsString({ message: 'ts is required: an ISO 8601 date-time' })
  @MaxLength(40)
  ts!: string;
}

export class ActivityBucketView {
  @ApiProperty({ format: 'date-time', description: 'Sample time (raw) or bucket start' })
  ts!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { CPU: 1.2, 'Lock:transactionid': 3, 'Timeout:PgSleep': 1 },
    description: 'Average number of sessions per group over the bucket’s samples',
  })
  groups!: Record<string, number>;
}

export class ActivityTotalView {
  @ApiProperty({ example: 'Lock:transactionid' }) key!: string;
  @ApiProperty({ example: 54, description: 'Sessions of the group summed over the samples' })
  samples!: number;
  @ApiProperty({ example: 0.9, description: 'Average number of sessions over the period' })
  avg_active_sessions!: number;
  @ApiPropertyOptional({ description: 'group_by=query: the text (capped)' }) query?: string;
}

export class ActivityHistoryView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ example: 10 }) sample_interval_s!: number;
  @ApiProperty({ enum: ['raw', 'hour', '4hour', 'day'] }) aggregation!: string;
  @ApiProperty({ enum: ['wait_event', 'state', 'query', 'database', 'user', 'application'] })
  group_by!: string;
  @ApiProperty({ format: 'date-time' }) start_date!: string;
  @ApiProperty({ format: 'date-time' }) end_date!: string;
  @ApiProperty({ description: 'Samples taken in the period' }) samples!: number;
  @ApiProperty({ type: [ActivityBucketView] }) buckets!: ActivityBucketView[];
  @ApiProperty({ type: [ActivityTotalView] }) totals!: ActivityTotalView[];
}

export class SampledSessionView {
  @ApiProperty({ example: 4242 }) pid!: number;
  @ApiProperty({ format: 'date-time', example: '2025-06-03T02:39:12.123456Z' })
  backend_start!: string;
  @ApiProperty({ nullable: true, type: String }) usename!: string | null;
  @ApiProperty({ nullable: true, type: String }) datname!: string | null;
  @ApiProperty() application_name!: string;
  @ApiProperty({ nullable: true, type: String }) client_addr!: string | null;
  @ApiProperty({ example: 'active' }) state!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Lock' }) wait_event_type!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'transactionid' }) wait_event!:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'PostgreSQL 14+' }) query_id!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) query!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) query_start!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) xact_start!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'client backend' }) backend_type!:
    string | null;
  @ApiProperty({ type: [Number], description: 'pids this session waits for (lock waits)' })
  blocked_by!: number[];
}

export class ActivitySampleView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ format: 'date-time' }) sampled_at!: string;
  @ApiProperty({ example: 10 }) sample_interval_s!: number;
  @ApiProperty({ description: 'Non-idle sessions seen (the stored ones are capped at 1000)' })
  sessions_seen!: number;
  @ApiProperty({ type: [SampledSessionView] }) sessions!: SampledSessionView[];
}
