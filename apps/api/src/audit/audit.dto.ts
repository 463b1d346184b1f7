import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_AUDIT_ROWS = 1000;

export class AuditQueryDto {
  @ApiPropertyOptional({
    example: '2025-06-01T00:00:00Z',
    description: 'ISO 8601; no zone means UTC. Default: 24 hours before end_date',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  start_date?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; no zone means UTC. Default: now' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  end_date?: string;

  @ApiPropertyOptional({ description: 'Only entries of this user' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({
    example: 'session.*',
    description: 'Only this action (`session.terminate`), or the actions of a prefix ending in *',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ default: 100, maximum: MAX_AUDIT_ROWS })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: `limit must be between 1 and ${MAX_AUDIT_ROWS}` })
  @Max(MAX_AUDIT_ROWS, { message: `limit must be between 1 and ${MAX_AUDIT_ROWS}` })
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
