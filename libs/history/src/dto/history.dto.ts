import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { QUERY_DATE_PATTERN } from '../date-range.js';

/** Longest date text read; the longest ISO 8601 form is 35 characters. */
export const MAX_DATE_LENGTH = 40;

/**
 * An optional date of a query (start_date, date_to, ...): a string of at most MAX_DATE_LENGTH,
 * documented with the pattern parseQueryDate() reads; the route parses it.
 */
export function QueryDate(example: string, description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example,
      pattern: QUERY_DATE_PATTERN,
      maxLength: MAX_DATE_LENGTH,
      description,
    }),
    IsOptional(),
    IsString(),
    MaxLength(MAX_DATE_LENGTH),
  );
}

export class HistoryQueryDto {
  @QueryDate(
    '2025-06-01T00:00:00Z',
    'ISO 8601 date or date-time; no zone means UTC. Default: 7 days before end_date',
  )
  start_date?: string;

  @QueryDate('2025-06-08', 'ISO 8601 date or date-time; no zone means UTC. Default: now')
  end_date?: string;
}

const AGGREGATION_DOC =
  'Timeline resolution, chosen by the period: raw (up to 2 days), hour (up to 14 days), 4hour (up to 90 days), day; buckets are aligned to UTC';
const SOURCE_DOC =
  'collector: pgmon’s own history; stats_db: the seed’s pg_statistics table in the server’s stats_db';
const EXISTS_DOC =
  'Whether the database exists on the server now; null when the server cannot be reached';

export class DatabaseRef {
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ nullable: true, type: Boolean, description: EXISTS_DOC }) exists!: boolean | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When PostgreSQL created it, where readable',
  })
  creation_time!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When pgmon first saw this incarnation',
  })
  first_seen!: string | null;
}

export class ServerTimelinePoint {
  @ApiProperty({ format: 'date-time', description: 'Sample time (raw) or bucket start' })
  ts!: string;
  @ApiProperty({ example: 'production' }) datname!: string;
  @ApiProperty({
    example: 45,
    description: 'Backends (numbackends), averaged over the bucket and rounded',
  })
  connections!: number;
  @ApiProperty({
    example: 124.8,
    nullable: true,
    type: Number,
    description: 'Largest size in the bucket, GiB',
  })
  size_gb!: number | null;
  @ApiProperty({ example: 52 }) connections_max!: number;
  @ApiProperty({ nullable: true, type: Number }) size_bytes!: number | null;
  @ApiProperty({
    example: 1200,
    description: 'Transactions committed during the bucket (not a cumulative counter)',
  })
  commits!: number;
  @ApiProperty({ example: 3, description: 'Transactions rolled back during the bucket' })
  rollbacks!: number;
}

export class ServerHistoryView {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Newest sample of the server, any period',
  })
  last_stat_update!: string | null;
  @ApiProperty({
    example: 1543,
    description: 'Backends at the latest sample inside the period, summed over databases',
  })
  total_connections!: number;
  @ApiProperty({
    example: 125.4,
    description: 'Latest size inside the period, summed over databases (GiB)',
  })
  total_size_gb!: number;
  @ApiProperty({ type: [DatabaseRef] }) databases!: DatabaseRef[];
  @ApiProperty({ type: [ServerTimelinePoint] }) connection_timeline!: ServerTimelinePoint[];
  @ApiProperty({ enum: ['raw', 'hour', '4hour', 'day'], description: AGGREGATION_DOC })
  aggregation!: string;
  @ApiProperty({ enum: ['collector', 'stats_db'], description: SOURCE_DOC }) source!: string;
  @ApiProperty({ format: 'date-time' }) start_date!: string;
  @ApiProperty({ format: 'date-time' }) end_date!: string;
}

export class DatabaseSummaryView {
  @ApiProperty({ example: 2048.5, description: 'Latest measured size, MiB' }) size_mb!: number;
  @ApiProperty({ example: 12, description: 'Backends at the latest sample' }) connections!: number;
  @ApiProperty({ example: 86400, description: 'Transactions committed during the last 24 hours' })
  commits!: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Time of the latest sample',
  })
  last_update!: string | null;
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ nullable: true, type: Boolean, description: EXISTS_DOC }) exists!: boolean | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) creation_time!: string | null;
  @ApiProperty({ nullable: true, type: Number }) size_bytes!: number | null;
  @ApiProperty({ enum: ['collector', 'stats_db'], description: SOURCE_DOC }) source!: string;
}

export class DatabaseTimelinePoint {
  @ApiProperty({ format: 'date-time' }) ts!: string;
  @ApiProperty({ description: 'Backends, averaged over the bucket and rounded' })
  connections!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Largest size in the bucket, MiB' })
  size_mb!: number | null;
  @ApiProperty({ description: 'Transactions committed during the bucket' }) commits!: number;
  @ApiProperty() connections_max!: number;
  @ApiProperty() connections_min!: number;
  @ApiProperty({ description: 'Events during the bucket, as are all counters below' })
  rollbacks!: number;
  @ApiProperty() blks_read!: number;
  @ApiProperty() blks_hit!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'blks_hit / (blks_hit + blks_read) in the bucket',
  })
  cache_hit_ratio!: number | null;
  @ApiProperty() tup_returned!: number;
  @ApiProperty() tup_fetched!: number;
  @ApiProperty() tup_inserted!: number;
  @ApiProperty() tup_updated!: number;
  @ApiProperty() tup_deleted!: number;
  @ApiProperty() temp_files!: number;
  @ApiProperty() temp_bytes!: number;
  @ApiProperty() deadlocks!: number;
  @ApiProperty({ nullable: true, type: Number }) size_bytes!: number | null;
  @ApiProperty({ description: 'Samples in the bucket' }) samples!: number;
}

export class DatabaseHistoryView {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Newest sample of the database, any period',
  })
  last_stat_update!: string | null;
  @ApiProperty({ description: 'Backends at the latest sample inside the period' })
  total_connections!: number;
  @ApiProperty({
    description: 'Transactions committed during the period (sum of per-interval differences)',
  })
  total_commits!: number;
  @ApiProperty({ description: 'Latest size inside the period, MiB' }) total_size_mb!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) creation_time!: string | null;
  @ApiProperty({ description: 'Most backends in one sample of the period' })
  max_connections!: number;
  @ApiProperty({ description: 'Fewest backends in one sample of the period' })
  min_connections!: number;
  @ApiProperty({ type: [DatabaseTimelinePoint] }) timeline!: DatabaseTimelinePoint[];
  @ApiProperty({ enum: ['raw', 'hour', '4hour', 'day'], description: AGGREGATION_DOC })
  aggregation!: string;
  @ApiProperty({ enum: ['collector', 'stats_db'], description: SOURCE_DOC }) source!: string;
  @ApiProperty({ nullable: true, type: Boolean, description: EXISTS_DOC }) exists!: boolean | null;
  @ApiProperty({ format: 'date-time' }) start_date!: string;
  @ApiProperty({ format: 'date-time' }) end_date!: string;
}
