import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryDate } from '#history';
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

  @QueryDate('2026-02-01', 'ISO 8601 date or date-time; no zone means UTC')
  date_from?: string;

  @QueryDate('2026-02-07', 'ISO 8601; a date alone means the end of that day (UTC)')
  date_to?: string;
}
