import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { isRole } from '#auth';
import { readSeedFiles } from '../seed-import/seed-files.js';
import { SeedImporter, type ImportPlan, type PlannedItem } from '../seed-import/seed-importer.js';
import { UsageError } from './usage-error.js';

export const IMPORT_SEED_USAGE = `  pgmon import-seed --config-dir <dir> [--dry-run] [--default-role admin|operator|viewer]
      servers.json (Fernet passwords, key in encryption_key.key) and users.json (bcrypt) of the seed`;

/** `pgmon import-seed`: moves the seed service's servers and users into pgmon. */
export async function runImportSeed(
  app: INestApplicationContext,
  args: string[],
): Promise<{ output: string; ok: boolean }> {
  const { values } = parseArgs({
    args,
    options: {
      'config-dir': { type: 'string', default: '/etc/pg_activity_monitor' },
      'dry-run': { type: 'boolean', default: false },
      'default-role': { type: 'string', default: 'admin' },
    },
  });
  const defaultRole = values['default-role'];
  if (!isRole(defaultRole))
    throw new UsageError(`--default-role must be viewer, operator or admin\n${IMPORT_SEED_USAGE}`);
  const importer = app.get(SeedImporter);
  const plan = await importer.plan(readSeedFiles(values['config-dir']), defaultRole);
  const dryRun = values['dry-run'];
  if (plan.errors.length === 0 && !dryRun) await importer.apply(plan);
  return { output: report(plan, dryRun), ok: plan.errors.length === 0 };
}

function report(plan: ImportPlan, dryRun: boolean): string {
  const verb = dryRun ? 'would import' : 'imported';
  const lines = [
    ...plan.servers.map((item) => line('server', item, verb)),
    ...plan.users.map((item) => line('user', item, verb)),
    ...plan.errors.map((error) => `error: ${error}`),
  ];
  const imported = (items: PlannedItem<unknown>[]) =>
    items.filter((item) => item.action === 'import').length;
  const skipped = (items: PlannedItem<unknown>[]) =>
    items.filter((item) => item.action === 'skip' && item.reason !== 'invalid').length;
  if (plan.errors.length > 0) {
    lines.push(`Nothing was imported: fix the ${plan.errors.length} error(s) above and run again.`);
  } else {
    lines.push(
      `${dryRun ? 'Dry run: would import' : 'Imported'} ${imported(plan.servers)} server(s) and ${imported(plan.users)} user(s); skipped ${skipped(plan.servers)} server(s) and ${skipped(plan.users)} user(s).`,
    );
  }
  return lines.join('\n');
}

function line(kind: string, item: PlannedItem<unknown>, verb: string): string {
  if (item.action === 'import') return `${verb} ${kind} ${item.name}`;
  return `skipped ${kind} ${item.name}: ${item.reason ?? ''}`;
}
