import { Injectable } from '@nestjs/common';
import type { ServerRecord } from '#servers';
import { TargetQuery } from '#target-query';
import { activityQuery, MAX_QUERY_CHARS, type ActivityFilters } from './activity-query.js';
import type { ActivityView, SessionView } from './activity.dto.js';

type SessionRow = Omit<
  SessionView,
  'query_truncated' | 'query_start' | 'xact_start' | 'backend_start' | 'state_change'
> & {
  query_start: Date | null;
  xact_start: Date | null;
  backend_start: Date | null;
  state_change: Date | null;
};

/** Live sessions of a server (GET /server_stats), always read now, never cached. */
@Injectable()
export class ActivityService {
  constructor(private readonly query: TargetQuery) {}

  /** The sessions; 502/504 when the server cannot be read. */
  async sessions(server: ServerRecord, filters: ActivityFilters): Promise<ActivityView> {
    const checkedAt = new Date();
    return this.query.orHttpError(server, async (client) => {
      const version = await client.query<{ v: number }>(
        `select current_setting('server_version_num')::int as v`,
      );
      const versionNum = version.rows[0]?.v ?? 0;
      const query = activityQuery(versionNum, filters);
      const result = await client.query<SessionRow>(query.text, query.values);
      return {
        queries: result.rows.map(toView),
        version_num: versionNum,
        checked_at: checkedAt.toISOString(),
      };
    });
  }
}

function toView(row: SessionRow): SessionView {
  const truncated = typeof row.query === 'string' && row.query.length > MAX_QUERY_CHARS;
  return {
    ...row,
    query: truncated && row.query ? row.query.slice(0, MAX_QUERY_CHARS) : row.query,
    query_start: row.query_start?.toISOString() ?? null,
    xact_start: row.xact_start?.toISOString() ?? null,
    backend_start: row.backend_start?.toISOString() ?? null,
    state_change: row.state_change?.toISOString() ?? null,
    blocked_by: (row.blocked_by ?? []).map(Number),
    query_truncated: truncated,
  };
}
