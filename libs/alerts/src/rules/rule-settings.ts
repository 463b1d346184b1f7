import type { ThresholdLevels } from '#config';
import { CHECK_IDS, type CheckId, type LevelPatches } from '#checks';
import { ALERTING, DEFAULT_UNKNOWN_FOR_S } from '../catalog.js';

/** What an admin set for a check on every server; an absent field keeps the default. */
export interface RuleSettings {
  enabled?: boolean;
  warning?: number | null;
  critical?: number | null;
  for_s?: number;
  unknown_for_s?: number | null;
}

/** What an admin set for a check on one server; an absent field inherits the rule's. */
export type ServerRuleSettings = Pick<RuleSettings, 'enabled' | 'warning' | 'critical'>;

/** The stored rules that apply to one server. */
export interface ServerRules {
  everywhere: Partial<Record<CheckId, RuleSettings>>;
  own: Partial<Record<CheckId, ServerRuleSettings>>;
}

/** How a check alerts on one server (its levels are applied by the checks themselves). */
export interface AlertPolicy {
  enabled: boolean;
  forS: number;
  /** Seconds an unknown check waits before it fires; null: an unknown check never fires. */
  unknownForS: number | null;
}

export function policyOf(
  check: CheckId,
  everywhere: RuleSettings | undefined,
  own: ServerRuleSettings | undefined,
): AlertPolicy {
  const defaults = ALERTING[check];
  return {
    enabled: own?.enabled ?? everywhere?.enabled ?? defaults.enabled,
    forS: everywhere?.for_s ?? defaults.for_s,
    unknownForS:
      everywhere?.unknown_for_s === undefined ? DEFAULT_UNKNOWN_FOR_S : everywhere.unknown_for_s,
  };
}

export function policiesOf(rules: ServerRules): Record<CheckId, AlertPolicy> {
  return Object.fromEntries(
    CHECK_IDS.map((id) => [id, policyOf(id, rules.everywhere[id], rules.own[id])]),
  ) as Record<CheckId, AlertPolicy>;
}

/** The levels a set of rules changes, for the checks' thresholds. */
export function levelPatches(
  rules: Partial<Record<CheckId, Pick<RuleSettings, 'warning' | 'critical'>>>,
): LevelPatches {
  const patches: LevelPatches = {};
  for (const [id, settings] of Object.entries(rules) as [CheckId, RuleSettings][]) {
    const levels = levelsOf(settings);
    if (Object.keys(levels).length > 0) patches[id] = levels;
  }
  return patches;
}

/** The levels the settings set (absent ones inherit). */
export function levelsOf(
  settings: Pick<RuleSettings, 'warning' | 'critical'>,
): Partial<ThresholdLevels> {
  const levels: Partial<ThresholdLevels> = {};
  if (settings.warning !== undefined) levels.warning = settings.warning;
  if (settings.critical !== undefined) levels.critical = settings.critical;
  return levels;
}

/**
 * Settings as stored (JSON), keeping only the known fields of the right type: a row written
 * by a later version never breaks an earlier one.
 */
export function parseSettings(text: string): RuleSettings {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const settings: RuleSettings = {};
  if (typeof raw.enabled === 'boolean') settings.enabled = raw.enabled;
  if (isLevel(raw.warning)) settings.warning = raw.warning;
  if (isLevel(raw.critical)) settings.critical = raw.critical;
  if (typeof raw.for_s === 'number') settings.for_s = raw.for_s;
  if (isLevel(raw.unknown_for_s)) settings.unknown_for_s = raw.unknown_for_s;
  return settings;
}

function isLevel(value: unknown): value is number | null {
  return value === null || typeof value === 'number';
}
