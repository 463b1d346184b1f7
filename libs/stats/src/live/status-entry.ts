import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ServerConfigView } from '#servers';

export class ErrorInfo {
  @ApiProperty({ example: 'authentication_failed' }) code!: string;
  @ApiProperty({ example: 'password authentication failed for user "pgmon"' }) message!: string;
}

/**
 * One server in GET /servers: the seed's fields first (name ... status), then pgmon's additions.
 * `status` is "ok", "ok (SSH: <reason>)" or "PostgreSQL: <reason>".
 */
export class StatusEntry extends ServerConfigView {
  @ApiProperty({ example: '14.5', nullable: true, type: String }) version!: string | null;
  @ApiProperty({
    example: { active: 5, idle: 10 },
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    description: 'Client sessions by state',
  })
  connections!: Record<string, number> | null;
  @ApiProperty({ example: 720.5, nullable: true, type: Number }) uptime_hours!: number | null;
  @ApiProperty({
    example: 107374182400,
    nullable: true,
    type: Number,
    description: 'Bytes available on the data directory’s filesystem (df "Available")',
  })
  free_space!: number | null;
  @ApiProperty({ example: 214748364800, nullable: true, type: Number }) total_space!: number | null;
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiPropertyOptional({ type: ErrorInfo, nullable: true }) pg_error!: ErrorInfo | null;
  @ApiPropertyOptional({ type: ErrorInfo, nullable: true }) ssh_error!: ErrorInfo | null;
  @ApiProperty({ example: 140005, nullable: true, type: Number }) version_num!: number | null;
  @ApiProperty({
    example: 2593800,
    nullable: true,
    type: Number,
    description: 'Seconds since the server started (uptime_hours is rounded)',
  })
  uptime_seconds!: number | null;
  @ApiProperty({ nullable: true, type: String }) data_directory!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When PostgreSQL was asked' })
  checked_at!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the disk was read over SSH',
  })
  disk_checked_at!: string | null;
  @ApiProperty({ example: 12, description: 'Time to build this entry (ms)' }) response_ms!: number;
}
