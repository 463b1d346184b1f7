import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVENT_LEVELS, type EventLevel } from '#system-events';
import { PageQueryDto } from '../page-query.dto.js';

export class LogsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EVENT_LEVELS, example: 'error' })
  @IsOptional()
  @IsIn(EVENT_LEVELS, { message: `level must be one of ${EVENT_LEVELS.join(', ')}` })
  level?: EventLevel;

  @ApiPropertyOptional({
    example: 'collector_stats',
    maxLength: 64,
    description:
      'collector_stats (history sampling), collector_<task> (collector tasks: collector_checks, ...), maintenance (retention), system (starts and stops)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  source?: string;

  @ApiPropertyOptional({
    example: 'refused',
    maxLength: 200,
    description: 'Text the message or the details contain, in any case',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

/** One of pgmon's own events, as the upstream web UI shows it. */
export class LogEntryView {
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ enum: EVENT_LEVELS }) level!: EventLevel;
  @ApiProperty({ example: 'collector_stats' }) source!: string;
  @ApiProperty({ example: 'production-db: sampling failed: nothing accepts connections' })
  message!: string;
  @ApiProperty({ example: 'connection_refused', nullable: true, type: String })
  details!: string | null;
}

export class LogsPageView {
  @ApiProperty({ type: [LogEntryView] }) items!: LogEntryView[];
  @ApiProperty({ example: 42 }) total!: number;
  @ApiProperty({ example: 50 }) limit!: number;
  @ApiProperty({ example: 0 }) offset!: number;
}

export class LogStatsView {
  @ApiProperty({ example: 42 }) total!: number;
  @ApiProperty({ example: 1, description: 'Errors since midnight UTC' }) errors_today!: number;
  @ApiProperty({ example: 0 }) warnings_today!: number;
}
