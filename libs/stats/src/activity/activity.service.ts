import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import { PoolRegistry } from '#pool';
import { ServerTargets, type ServerRecord } from '#servers';
import { describePgFailure, type PgFailure } from '../live/pg-failure.js';
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
  constructor(
    private readonly pools: PoolRegistry,
    private readonly targets: ServerTargets,
    private readonly config: AppConfig,
  ) {}

  async sessions(server: ServerRecord, filters: ActivityFilters): Promise<ActivityView> {
    const checkedAt = new Date();
    try {
      return await this.pools.withClient(this.targets.pg(server), async (client) => {
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
    } catch (error) {
      throw unreachable(
        describePgFailure(error, {
          host: server.host,
          port: server.port,
          user: server.user,
          database: server.database,
          timeoutMs: this.config.targets.connectTimeoutMs,
        }),
      );
    }
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

/** 504 when the server did not answer in time, 502 for any other failure to reach it. */
function unreachable(failure: PgFailure): HttpException {
  const status = failure.code === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
  return new HttpException(
    { detail: `PostgreSQL: ${failure.reason} (${failure.message})`, error: failure.code },
    status,
  );
}
