import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { AppConfig } from '#config';
import type { ServerTask } from '#collector';
import type { ServerRecord } from '#servers';
import { StoreService } from '#store';
import { floorTo, HOUR_MS, TILE_MS } from './statements/period-plan.js';

const DAY_MS = 86_400_000;
/** Samples (with their rows) deleted per statement, so readers get the store in between. */
const BATCH = 200;
const BATCH_PAUSE_MS = 20;

/**
 * Hourly, per server: per-interval statement rows and 10-minute rollups older than
 * STATEMENTS_RAW_RETENTION_HOURS, hourly rollups and series older than STATEMENTS_RETENTION_DAYS, texts no series uses, and
 * session samples, backends and texts older than ACTIVITY_RETENTION_DAYS. As a collector
 * task, several collectors on one store run it once per server and hour.
 */
@Injectable()
export class InsightRetentionTask implements ServerTask {
  readonly name = 'insight-retention';
  readonly concurrency = 1;
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly store: StoreService,
    private readonly config: AppConfig,
  ) {}

  intervalMs(): number {
    return HOUR_MS;
  }

  run(server: ServerRecord): Promise<void> {
    return this.removeOld(server, Date.now());
  }

  /** Everything of the server older than the retentions at `now`. */
  async removeOld(server: ServerRecord, now: number): Promise<void> {
    const { statementsRawRetentionHours, statementsRetentionDays, activityRetentionDays } =
      this.config.insight;
    const statementsCutoff = now - statementsRetentionDays * DAY_MS;
    const rawCutoff = await this.rawCutoff(
      server.id,
      now - statementsRawRetentionHours * HOUR_MS,
      statementsCutoff,
    );
    const removed =
      (await this.inBatches('statement_snapshots', server.id, rawCutoff)) +
      (await this.inBatches('activity_samples', server.id, now - activityRetentionDays * DAY_MS));
    await this.removeOldStatements(server.id, statementsCutoff, rawCutoff);
    await this.removeUnusedSessionRows(server.id, now - activityRetentionDays * DAY_MS);
    if (removed > 0) this.logger.debug(`${server.name}: removed ${removed} old samples`);
  }

  /**
   * Where per-interval rows end: the raw window, except for hours not rolled up yet (the
   * collector was away when they ended), which stay until the statements retention.
   */
  private async rawCutoff(
    serverId: number,
    rawCutoff: number,
    retentionCutoff: number,
  ): Promise<number> {
    const state = await this.store.db
      .selectFrom('statement_state')
      .select('hours_rolled_up_to')
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    const rolledUpTo = state?.hours_rolled_up_to;
    const rolled = rolledUpTo === null || rolledUpTo === undefined ? -Infinity : Number(rolledUpTo);
    return Math.max(retentionCutoff, Math.min(rawCutoff, rolled));
  }

  /** Deletes the server's rows of `table` older than the cutoff (their children cascade). */
  private async inBatches(
    table: 'statement_snapshots' | 'activity_samples',
    serverId: number,
    cutoff: number,
  ): Promise<number> {
    let removed = 0;
    for (;;) {
      const result = await sql`
        delete from ${sql.table(table)} where id in (
          select id from ${sql.table(table)} where server_id = ${serverId} and ts < ${cutoff} limit ${BATCH})`.execute(
        this.store.db,
      );
      const batch = Number(result.numAffectedRows ?? 0n);
      removed += batch;
      if (batch < BATCH) return removed;
      await new Promise((resolve) => setTimeout(resolve, BATCH_PAUSE_MS));
    }
  }

  /** Rollups (10-minute ones with the per-interval rows), unused series and texts. */
  private async removeOldStatements(
    serverId: number,
    cutoff: number,
    rawCutoff: number,
  ): Promise<void> {
    const db = this.store.db;
    const series = db.selectFrom('statement_series').select('id').where('server_id', '=', serverId);
    for (const [spanMs, before] of [
      [TILE_MS, rawCutoff],
      [HOUR_MS, floorTo(cutoff, HOUR_MS)],
    ]) {
      await db
        .deleteFrom('statement_rollups')
        .where('span_ms', '=', spanMs)
        .where('ts', '<', before)
        .where('series_id', 'in', series)
        .execute();
    }
    // A series' last-seen time is refreshed hourly: an hour of slack keeps every series that
    // still has rows.
    await db
      .deleteFrom('statement_series')
      .where('server_id', '=', serverId)
      .where('last_seen_at', '<', cutoff - HOUR_MS)
      .execute();
    await db
      .deleteFrom('statement_texts')
      .where('server_id', '=', serverId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('statement_series')
              .select('statement_series.id')
              .where('statement_series.server_id', '=', serverId)
              .whereRef('statement_series.queryid', '=', 'statement_texts.queryid'),
          ),
        ),
      )
      .execute();
  }

  /** Backends and texts no longer seen; samples referencing them are older, so already gone. */
  private async removeUnusedSessionRows(serverId: number, cutoff: number): Promise<void> {
    for (const table of ['activity_backends', 'activity_queries'] as const) {
      await this.store.db
        .deleteFrom(table)
        .where('server_id', '=', serverId)
        .where('last_seen_at', '<', cutoff)
        .execute();
    }
  }
}
