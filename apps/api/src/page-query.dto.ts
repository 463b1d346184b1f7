import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { QUERY_DATE_PATTERN } from '#history';
import { WholeNumber } from '#http';

export const MAX_PAGE_SIZE = 500;

/**
 * A page of a long list as the upstream web UI asks for it (its audit and logs pages):
 * `limit` and `offset`, and a period by `date_from` / `date_to` (ISO 8601; a date alone as
 * date_to ends with that day).
 */
export class PageQueryDto {
  @ApiPropertyOptional({
    default: 50,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    type: 'integer',
    example: 50,
  })
  @IsOptional()
  @WholeNumber('limit', 1, MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: 1_000_000_000,
    type: 'integer',
    example: 0,
  })
  @IsOptional()
  @WholeNumber('offset', 0, 1_000_000_000)
  offset?: number;

  @ApiPropertyOptional({
    example: '2026-02-01',
    pattern: QUERY_DATE_PATTERN,
    maxLength: 40,
    description: 'ISO 8601 date or date-time; no zone means UTC',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  date_from?: string;

  @ApiPropertyOptional({
    example: '2026-02-07',
    pattern: QUERY_DATE_PATTERN,
    maxLength: 40,
    description: 'ISO 8601; a date alone means the end of that day (UTC)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  date_to?: string;
}
