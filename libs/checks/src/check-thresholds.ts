import { Injectable } from '@nestjs/common';
import { AppConfig, type ThresholdLevels, type ThresholdOverride } from '#config';
import type { ServerRecord } from '#servers';
import { CATALOG, CHECK_IDS, isCheckId, type CheckId } from './catalog.js';

export type ThresholdTable = Record<CheckId, ThresholdLevels>;

/** Levels that replace others where set: an absent field (or check) inherits. */
export type LevelPatches = Partial<Record<CheckId, Partial<ThresholdLevels>>>;

/** Levels stored at run time (alert rules): for every server, and for one server. */
export interface StoredLevels {
  everywhere: LevelPatches;
  own: LevelPatches;
}

/** Where stored levels come from (the alert rules register themselves). */
export interface StoredLevelsSource {
  levelsFor(server: Pick<ServerRecord, 'id' | 'name'>): Promise<StoredLevels>;
}

/**
 * The one place the checks' levels are read. From the least to the most specific: the
 * documented defaults, CHECK_THRESHOLDS for every server, the alert rules for every server,
 * CHECK_THRESHOLDS items of the server, the alert rules of the server.
 */
@Injectable()
export class CheckThresholds {
  private readonly everywhere: ThresholdTable;
  private readonly perServer: ThresholdOverride[];
  private stored: StoredLevelsSource | undefined;

  constructor(config: AppConfig) {
    const overrides = config.checks.thresholds;
    for (const { check } of overrides) {
      if (!isCheckId(check)) {
        throw new Error(
          `CHECK_THRESHOLDS: unknown check "${check}"; the checks are ${CHECK_IDS.join(', ')}`,
        );
      }
    }
    this.everywhere = applied(defaults(), asPatches(overrides.filter((o) => o.server === null)));
    this.perServer = overrides.filter((item) => item.server !== null);
  }

  /** Called once by the alert rules, whose levels then join the configured ones. */
  useStoredLevels(source: StoredLevelsSource): void {
    if (this.stored) throw new Error('stored check levels registered twice');
    this.stored = source;
  }

  /** The levels each check is judged by on this server. */
  async forServer(server: Pick<ServerRecord, 'id' | 'name'>): Promise<ThresholdTable> {
    const stored = await this.stored?.levelsFor(server);
    return [
      stored?.everywhere,
      this.configuredFor(server.name),
      stored?.own,
    ].reduce<ThresholdTable>(
      (table, patches) => (patches ? applied(table, patches) : table),
      this.everywhere,
    );
  }

  /** The defaults with CHECK_THRESHOLDS for every server applied. */
  configuredEverywhere(): ThresholdTable {
    return this.everywhere;
  }

  /** The CHECK_THRESHOLDS items of one server. */
  configuredFor(serverName: string): LevelPatches {
    return asPatches(this.perServer.filter((item) => item.server === serverName));
  }

  /** The names of the servers CHECK_THRESHOLDS has items for. */
  configuredServers(): string[] {
    return [...new Set(this.perServer.map((item) => item.server ?? ''))];
  }
}

function defaults(): ThresholdTable {
  return Object.fromEntries(CHECK_IDS.map((id) => [id, CATALOG[id].defaults])) as ThresholdTable;
}

function asPatches(overrides: ThresholdOverride[]): LevelPatches {
  const patches: LevelPatches = {};
  for (const { check, warning, critical } of overrides) {
    if (isCheckId(check)) patches[check] = { warning, critical };
  }
  return patches;
}

function applied(table: ThresholdTable, patches: LevelPatches): ThresholdTable {
  const result = { ...table };
  for (const id of CHECK_IDS) {
    const patch = patches[id];
    if (patch) result[id] = { ...result[id], ...definedOnly(patch) };
  }
  return result;
}

function definedOnly(patch: Partial<ThresholdLevels>): Partial<ThresholdLevels> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
