/**
 * The benchmark (a script, not a timed test): `npm run bench [-- section ...]`.
 * Starts the same real targets as the tests (PostgreSQL clusters, sshd, a silent listener),
 * runs pgmon's production entry point against them and prints the figures as JSON.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTargets } from '../test/support/targets.js';
import { alertsBench } from './alerts.bench.js';
import { checksBench } from './checks.bench.js';
import { collectorBench } from './collector.bench.js';
import { historyBench } from './history.bench.js';
import { hotpathBench, soakBench } from './hotpath.bench.js';
import { locksBench } from './locks.bench.js';
import { insightBench } from './insight.bench.js';
import { statusBench } from './status.bench.js';

const SECTIONS: Record<
  string,
  (targets: Awaited<ReturnType<typeof startTargets>>['info'], port: number) => Promise<unknown>
> = {
  status: statusBench,
  hotpath: hotpathBench,
  history: historyBench,
  collector: collectorBench,
  // Ten minutes: only when asked for (`npm run bench -- soak`).
  soak: soakBench,
  locks: locksBench,
  checks: checksBench,
  insight: insightBench,
  alerts: alertsBench,
};

/** Sections run when none is named. */
const DEFAULT_SECTIONS = [
  'status',
  'hotpath',
  'history',
  'collector',
  'locks',
  'checks',
  'insight',
  'alerts',
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : DEFAULT_SECTIONS;
  const targets = await startTargets(mkdtempSync(join(tmpdir(), 'pgmon-bench-targets-')));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void targets.stop().finally(() => process.exit(130)));
  }
  const results: Record<string, unknown> = {
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
  };
  try {
    for (const name of names) {
      const section = SECTIONS[name];
      if (!section)
        throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
      console.error(`[bench] ${name} ...`);
      results[name] = await section(targets.info, 18_000 + Math.floor(Math.random() * 2000));
    }
  } finally {
    await targets.stop();
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
