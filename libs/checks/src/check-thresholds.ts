import { Injectable } from '@nestjs/common';
import { AppConfig, type ThresholdLevels, type ThresholdOverride } from '#config';
import type { ServerRecord } from '#servers';
import { CATALOG, CHECK_IDS, isCheckId, type CheckId } from './catalog.js';

export type ThresholdTable = Record<CheckId, ThresholdLevels>;

/**
 * The one place the checks' levels are read: the documented defaults, replaced by
 * CHECK_THRESHOLDS for every server, then by its items for one server. Alert rules stored
 * per check and server join here.
 */
@Injectable()
export class CheckThresholds {
  private readonly everywhere: ThresholdTable;
  private readonly perServer: ThresholdOverride[];

  constructor(config: AppConfig) {
    const overrides = config.checks.thresholds;
    for (const { check } of overrides) {
      if (!isCheckId(check)) {
        throw new Error(
          `CHECK_THRESHOLDS: unknown check "${check}"; the checks are ${CHECK_IDS.join(', ')}`,
        );
      }
    }
    this.everywhere = applied(
      defaults(),
      overrides.filter((item) => item.server === null),
    );
    this.perServer = overrides.filter((item) => item.server !== null);
  }

  /** The levels each check is judged by on this server. */
  forServer(server: Pick<ServerRecord, 'name'>): Promise<ThresholdTable> {
    const own = this.perServer.filter((item) => item.server === server.name);
    return Promise.resolve(own.length === 0 ? this.everywhere : applied(this.everywhere, own));
  }
}

function defaults(): ThresholdTable {
  return Object.fromEntries(CHECK_IDS.map((id) => [id, CATALOG[id].defaults])) as ThresholdTable;
}

function applied(table: ThresholdTable, overrides: ThresholdOverride[]): ThresholdTable {
  const result = { ...table };
  for (const { check, warning, critical } of overrides) {
    if (isCheckId(check)) result[check] = { warning, critical };
  }
  return result;
}
