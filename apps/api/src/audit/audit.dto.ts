import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { QueryDate } from '#history';
import { WholeNumber } from '#http';

export const MAX_AUDIT_ROWS = 1000;

export class AuditQueryDto {
  @QueryDate(
    '2025-06-01T00:00:00Z',
    'ISO 8601 date or date-time; no zone means UTC. Default: 24 hours before end_date',
  )
  start_date?: string;

  @QueryDate('2025-06-08T00:00:00Z', 'ISO 8601 date or date-time; no zone means UTC. Default: now')
  end_date?: string;

  @ApiPropertyOptional({
    example: 'alice',
    maxLength: 64,
    description: 'Only entries of this user',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({
    example: 'session.*',
    maxLength: 64,
    description: 'Only this action (`session.terminate`), or the actions of a prefix ending in *',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: MAX_AUDIT_ROWS,
    example: 100,
  })
  @IsOptional()
  @WholeNumber('limit', 1, MAX_AUDIT_ROWS)
  limit?: number;
}

export class AuditEntryView {
  @ApiProperty({ format: 'date-time' }) ts!: string;
  @ApiProperty({ example: 'alice', nullable: true, type: String }) actor!: string | null;
  @ApiProperty({ example: '10.0.0.5', nullable: true, type: String }) client_ip!: string | null;
  @ApiProperty({
    example: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
    nullable: true,
    type: String,
    description: 'User-Agent of logins, logouts and refreshes (auth.*)',
  })
  user_agent!: string | null;
  @ApiProperty({ example: 'session.terminate' }) action!: string;
  @ApiProperty({
    example: 'pg1',
    nullable: true,
    type: String,
    description: 'Server or user acted on',
  })
  target!: string | null;
  @ApiProperty({
    example: 'done',
    description:
      'success (a change), done (a session signalled), refused (policy), no_match (no such pid and backend_start), ended (the session ended first), failed (server unreachable or a right missing)',
  })
  outcome!: string;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'What was done to what; never a secret',
  })
  details!: Record<string, unknown> | null;
}
