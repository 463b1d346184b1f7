import { QueryDate, resolveRange, type DateRange } from '#history';

/** start_date and end_date of the query-insight routes: the last 24 hours by default. */
export class RecentPeriodQueryDto {
  @QueryDate(
    '2025-06-03T02:00:00Z',
    'ISO 8601; no zone means UTC. Default: 24 hours before end_date',
  )
  start_date?: string;

  @QueryDate('2025-06-03T03:00:00Z', 'ISO 8601. Default: now')
  end_date?: string;
}

/** The period asked for (422 when invalid or longer than what `setting` keeps). */
export function recentRange(
  query: RecentPeriodQueryDto,
  retentionDays: number,
  retentionSetting: string,
): DateRange {
  return resolveRange(query.start_date, query.end_date, {
    retentionDays,
    retentionSetting,
    defaultDays: 1,
  });
}
