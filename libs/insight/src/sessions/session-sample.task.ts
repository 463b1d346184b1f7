import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import type { ServerTask } from '#collector';
import type { ServerRecord } from '#servers';
import { TargetQuery } from '#target-query';
import { InsightMetrics } from '../insight.metrics.js';
import { QUERY_TEXT_MAX_CHARS } from '../query-text.js';
import {
  MAX_SESSIONS_PER_SAMPLE,
  sessionSampleSql,
  type SessionRow,
} from './session-sample-sql.js';
import { SessionsStore } from './sessions.store.js';

/**
 * Every ACTIVITY_SAMPLE_INTERVAL seconds, per server: the non-idle sessions of
 * pg_stat_activity (pgmon's own excluded), one query on one pooled connection.
 */
@Injectable()
export class SessionSampleTask implements ServerTask {
  readonly name = 'sessions';
  /** server_version_num per server configuration: it picks the columns. */
  private readonly versions = new Map<number, { generation: number; versionNum: number }>();

  constructor(
    private readonly query: TargetQuery,
    private readonly store: SessionsStore,
    private readonly config: AppConfig,
    private readonly metrics: InsightMetrics,
  ) {}

  intervalMs(): number {
    return this.config.insight.activitySampleIntervalSeconds * 1000;
  }

  async run(server: ServerRecord): Promise<void> {
    let rows: SessionRow[];
    try {
      rows = await this.query.runOrThrow(server, async (client) => {
        const versionNum = await this.versionOf(server, () =>
          client.query<{ v: number }>(`select current_setting('server_version_num')::int as v`),
        );
        const result = await client.query<SessionRow>(sessionSampleSql(versionNum), [
          QUERY_TEXT_MAX_CHARS,
          MAX_SESSIONS_PER_SAMPLE,
        ]);
        return result.rows;
      });
    } catch (error) {
      this.versions.delete(server.id); // the server may come back upgraded
      throw error;
    }
    await this.ingest(server, Date.now(), rows);
  }

  /** Stores one sample (public for the store tests and the benchmark, which feed samples). */
  async ingest(server: ServerRecord, ts: number, rows: SessionRow[]): Promise<void> {
    this.metrics.sessionsSampled(await this.store.write(server.id, ts, rows));
  }

  private async versionOf(
    server: ServerRecord,
    read: () => Promise<{ rows: { v: number }[] }>,
  ): Promise<number> {
    const known = this.versions.get(server.id);
    if (known?.generation === server.generation) return known.versionNum;
    const versionNum = (await read()).rows[0]?.v ?? 0;
    this.versions.set(server.id, { generation: server.generation, versionNum });
    return versionNum;
  }
}
