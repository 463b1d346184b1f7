import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WholeNumber } from '#http';
import { RecentPeriodQueryDto } from '../../period-query.dto.js';

export const QUERY_SORTS = [
  'total_exec_time',
  'calls',
  'mean_exec_time',
  'rows',
  'shared_blks_read',
  'temp_blks_written',
] as const;
export type QuerySort = (typeof QUERY_SORTS)[number];

export const MAX_QUERIES = 500;

const AGGREGATION_DOC =
  'Resolution of the period: raw (up to 2 days: rollups for whole hours and 10-minute spans, per-interval rows for the rest), hour (up to 14 days, or a period reaching back past the per-interval rows kept), 4hour (up to 90 days), day';

export class StatementPeriodQueryDto extends RecentPeriodQueryDto {
  @ApiPropertyOptional({
    example: 'postgres',
    maxLength: 63,
    description: 'Only statements run in this database',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  database?: string;

  @ApiPropertyOptional({
    example: 'postgres',
    maxLength: 63,
    description: 'Only statements run by this user',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  user?: string;
}

export class QueriesQueryDto extends StatementPeriodQueryDto {
  @ApiPropertyOptional({
    enum: QUERY_SORTS,
    default: 'total_exec_time',
    example: 'total_exec_time',
    description: 'Largest first',
  })
  @IsOptional()
  @IsIn(QUERY_SORTS, { message: `sort must be one of: ${QUERY_SORTS.join(', ')}` })
  sort?: QuerySort;

  @ApiPropertyOptional({
    default: 50,
    minimum: 1,
    maximum: MAX_QUERIES,
    type: 'integer',
    example: 50,
  })
  @IsOptional()
  @WholeNumber('limit', 1, MAX_QUERIES)
  limit?: number;
}

/** Counters of a period: events during it (differences, never raw cumulative counters). */
export class StatementTotalsView {
  @ApiProperty({ example: 1200 }) calls!: number;
  @ApiProperty({ example: 5400.2 }) total_exec_time_ms!: number;
  @ApiProperty({ description: 'Planning time (pg_stat_statements.track_planning; 0 otherwise)' })
  total_plan_time_ms!: number;
  @ApiProperty({ example: 3000 }) rows!: number;
  @ApiProperty() shared_blks_hit!: number;
  @ApiProperty() shared_blks_read!: number;
  @ApiProperty() shared_blks_dirtied!: number;
  @ApiProperty() shared_blks_written!: number;
  @ApiProperty() temp_blks_read!: number;
  @ApiProperty() temp_blks_written!: number;
  @ApiProperty({ description: 'Time reading blocks (track_io_timing)' }) blk_read_time_ms!: number;
  @ApiProperty({ description: 'Time writing blocks (track_io_timing)' }) blk_write_time_ms!: number;
  @ApiProperty({ description: 'WAL generated (PostgreSQL 13+)' }) wal_bytes!: number;
}

export class QueryEntryView extends StatementTotalsView {
  @ApiProperty({
    example: '-81723645123',
    description:
      'pg_stat_statements queryid as text; "other": every statement outside the top of its interval',
  })
  queryid!: string;
  @ApiProperty({ nullable: true, type: String, example: 'app_main' }) database!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'app' }) user!: string | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'Run at top level (false: nested in a function); null before PostgreSQL 14',
  })
  toplevel!: boolean | null;
  @ApiProperty({ nullable: true, type: String, example: 'select * from orders where id = $1' })
  query!: string | null;
  @ApiProperty({ description: 'The stored text was cut' }) query_truncated!: boolean;
  @ApiProperty({ example: 4.2 }) mean_exec_time_ms!: number;
  @ApiProperty({ example: 0.39, description: 'Share of the period’s total execution time' })
  share_of_total_time!: number;
}

export class QueriesView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ description: 'Whether pg_stat_statements could be read at the last attempt' })
  available!: boolean;
  @ApiPropertyOptional({ example: 'pg_stat_statements is not installed in database "postgres"' })
  reason?: string;
  @ApiPropertyOptional({
    example:
      "CREATE EXTENSION pg_stat_statements in postgres; shared_preload_libraries = 'pg_stat_statements'",
  })
  hint?: string;
  @ApiProperty({ enum: ['raw', 'hour', '4hour', 'day'], description: AGGREGATION_DOC })
  aggregation!: string;
  @ApiProperty({ format: 'date-time' }) start_date!: string;
  @ApiProperty({ format: 'date-time' }) end_date!: string;
  @ApiProperty({
    type: StatementTotalsView,
    description: 'Every matching statement, "other" included',
  })
  totals!: StatementTotalsView;
  @ApiProperty({ type: [QueryEntryView] }) queries!: QueryEntryView[];
}

export class StatementPointView {
  @ApiProperty({ format: 'date-time', description: 'Reading time (raw) or bucket start' })
  ts!: string;
  @ApiProperty() calls!: number;
  @ApiProperty() total_exec_time_ms!: number;
  @ApiProperty() mean_exec_time_ms!: number;
  @ApiProperty() rows!: number;
  @ApiProperty() shared_blks_hit!: number;
  @ApiProperty() shared_blks_read!: number;
  @ApiProperty() temp_blks_written!: number;
}

export class StatementSeriesView {
  @ApiProperty({ nullable: true, type: String }) database!: string | null;
  @ApiProperty({ nullable: true, type: String }) user!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) toplevel!: boolean | null;
}

export class StatementView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ example: '-81723645123' }) queryid!: string;
  @ApiProperty({ nullable: true, type: String }) query!: string | null;
  @ApiProperty() query_truncated!: boolean;
  @ApiProperty({ enum: ['raw', 'hour', '4hour', 'day'], description: AGGREGATION_DOC })
  aggregation!: string;
  @ApiProperty({ format: 'date-time' }) start_date!: string;
  @ApiProperty({ format: 'date-time' }) end_date!: string;
  @ApiProperty({
    type: [StatementSeriesView],
    description: 'Databases and users it ran as in the period',
  })
  series!: StatementSeriesView[];
  @ApiProperty({ type: StatementTotalsView }) totals!: StatementTotalsView;
  @ApiProperty({ type: [StatementPointView] }) timeline!: StatementPointView[];
}
