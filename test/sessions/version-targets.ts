import { readTargets, type PgTarget } from '../support/targets-info.js';

/**
 * The clusters that version-dependent tests run on: one per PostgreSQL version the harness
 * starts (a cluster of each version added to the harness belongs here).
 */
export function versionTargets(): PgTarget[] {
  return [readTargets().pg.main];
}
