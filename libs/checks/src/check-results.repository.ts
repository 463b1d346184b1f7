import { Injectable } from '@nestjs/common';
import { StoreService } from '#store';
import { CHECK_IDS, isCheckId } from './catalog.js';
import type { CheckObject, CheckResult, CheckStatus } from './check-result.js';

/** A server's last evaluation as stored. */
export interface StoredEvaluation {
  serverId: number;
  checkedAt: number;
  results: CheckResult[];
}

/** check_results: the last evaluation of every check per server. */
@Injectable()
export class CheckResultsRepository {
  constructor(private readonly store: StoreService) {}

  /** Replaces the server's results with this evaluation, in one transaction. */
  async save(serverId: number, checkedAt: number, results: CheckResult[]): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('check_results').where('server_id', '=', serverId).execute();
      if (results.length === 0) return;
      await trx
        .insertInto('check_results')
        .values(
          results.map((result) => ({
            server_id: serverId,
            check_id: result.id,
            status: result.status,
            value: result.value,
            warning: result.threshold.warning,
            critical: result.threshold.critical,
            message: result.message,
            hint: result.hint,
            objects: JSON.stringify(result.objects),
            evaluated_at: checkedAt,
          })),
        )
        .execute();
    });
  }

  /** The last evaluation of each server that has one (of the given servers, or all), checks in catalog order. */
  async latest(serverIds?: number[]): Promise<StoredEvaluation[]> {
    if (serverIds?.length === 0) return [];
    let query = this.store.db.selectFrom('check_results').selectAll();
    if (serverIds) query = query.where('server_id', 'in', serverIds);
    const rows = await query.orderBy('server_id').execute();
    const byServer = new Map<number, StoredEvaluation>();
    for (const row of rows) {
      if (!isCheckId(row.check_id)) continue;
      const serverId = Number(row.server_id);
      const evaluation = byServer.get(serverId) ?? { serverId, checkedAt: 0, results: [] };
      evaluation.checkedAt = Math.max(evaluation.checkedAt, Number(row.evaluated_at));
      evaluation.results.push({
        id: row.check_id,
        status: row.status as CheckStatus,
        value: row.value === null ? null : Number(row.value),
        threshold: {
          warning: row.warning === null ? null : Number(row.warning),
          critical: row.critical === null ? null : Number(row.critical),
        },
        message: row.message,
        hint: row.hint,
        objects: JSON.parse(row.objects) as CheckObject[],
      });
      byServer.set(serverId, evaluation);
    }
    const inCatalogOrder = (a: CheckResult, b: CheckResult) =>
      CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id);
    for (const evaluation of byServer.values()) evaluation.results.sort(inCatalogOrder);
    return [...byServer.values()];
  }
}
