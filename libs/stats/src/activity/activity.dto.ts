import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WholeNumber } from '#http';

export const SESSION_STATES = [
  'active',
  'idle',
  'idle in transaction',
  'idle in transaction (aborted)',
  'fastpath function call',
  'disabled',
] as const;

export const MAX_ACTIVITY_ROWS = 5000;
/** A year: longer is no filter at all, and 1e20 ms would overflow PostgreSQL's interval. */
export const MAX_MIN_DURATION_MS = 366 * 24 * 3600 * 1000;

export class ActivityQueryDto {
  @ApiPropertyOptional({
    enum: SESSION_STATES,
    example: 'active',
    description: 'Only sessions in this state',
  })
  @IsOptional()
  @IsIn(SESSION_STATES, { message: `state must be one of: ${SESSION_STATES.join(', ')}` })
  state?: string;

  @ApiPropertyOptional({
    example: 'production',
    maxLength: 63,
    description: 'Only sessions connected to this database',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  datname?: string;

  @ApiPropertyOptional({
    description: 'Only sessions whose current query started at least this long ago (ms)',
    type: 'integer',
    minimum: 0,
    maximum: MAX_MIN_DURATION_MS,
    example: 1000,
  })
  @IsOptional()
  @WholeNumber('min_duration_ms', 0, MAX_MIN_DURATION_MS)
  min_duration_ms?: number;

  @ApiPropertyOptional({
    default: 1000,
    type: 'integer',
    minimum: 1,
    maximum: MAX_ACTIVITY_ROWS,
    example: 100,
  })
  @IsOptional()
  @WholeNumber('limit', 1, MAX_ACTIVITY_ROWS)
  limit?: number;
}

export class SessionView {
  @ApiProperty({ example: 12345 }) pid!: number;
  @ApiProperty({ example: 'app_user', nullable: true, type: String }) usename!: string | null;
  @ApiProperty({ example: 'production', nullable: true, type: String }) datname!: string | null;
  @ApiProperty({ example: 'SELECT * FROM users WHERE...', nullable: true, type: String }) query!:
    string | null;
  @ApiProperty({ example: 'active', nullable: true, type: String }) state!: string | null;
  @ApiProperty({ nullable: true, type: String }) application_name!: string | null;
  @ApiProperty({ nullable: true, type: String }) client_addr!: string | null;
  @ApiProperty({ example: 'client backend', nullable: true, type: String }) backend_type!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) wait_event_type!: string | null;
  @ApiProperty({ nullable: true, type: String }) wait_event!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) query_start!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) xact_start!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) backend_start!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) state_change!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Milliseconds since query_start' })
  duration_ms!: number | null;
  @ApiProperty({ type: [Number], description: 'pids blocking this session (pg_blocking_pids)' })
  blocked_by!: number[];
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'For a parallel worker, the pid of its leader; null otherwise, and always before PostgreSQL 13',
  })
  leader_pid!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '-6452239143278112412',
    description:
      'Identifier of the current query (64-bit, as a string), when compute_query_id is on; always null before PostgreSQL 14, which has none',
  })
  query_id!: string | null;
  @ApiProperty({
    description: `True when the query text was longer than the first ${10_000} characters shown`,
  })
  query_truncated!: boolean;
}

export class ActivityView {
  @ApiProperty({ type: [SessionView] }) queries!: SessionView[];
  @ApiProperty({ example: 140005 }) version_num!: number;
  @ApiProperty({ format: 'date-time' }) checked_at!: string;
}
