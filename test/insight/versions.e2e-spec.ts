/**
 * The version-dependent checks (version-checks.ts) on every PostgreSQL cluster of the harness
 * that preloads pg_stat_statements. Add a cluster of another version to the list to cover it.
 */
import { readTargets } from '../support/targets-info.js';
import { versionChecks } from './version-checks.js';

const { main } = readTargets().pg;

for (const target of [main]) versionChecks(target);
