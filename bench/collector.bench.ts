import { CollectorService } from '#collector';
import { ServersService } from '#servers';
import { adminQuery } from '../test/support/clusters.js';
import type { PgTarget, TestTargets } from '../test/support/targets-info.js';
import { startCollectorApp } from './collector-app.js';
import { round, summarize } from './measure.js';

const DATABASES = 50;
const CYCLES = 5;

/** Issue 4's figure: one collector cycle over 50 monitored databases, its time and CPU. */
export async function collectorBench(targets: TestTargets): Promise<Record<string, unknown>> {
  const clusters = [targets.pg.main, targets.pg.stats, targets.pg.volatile];
  const created = await createDatabases(clusters);
  const { app, close } = await startCollectorApp();
  try {
    const ids = await registerServers(app.get(ServersService), clusters);
    const collector = app.get(CollectorService);
    await cycle(collector, ids, true);
    const withSizes = await measureCycles(collector, ids, true);
    const withoutSizes = await measureCycles(collector, ids, false);
    const databases = (
      await Promise.all(
        clusters.map((c) =>
          adminQuery<{ n: number }>(
            c,
            'select count(*)::int as n from pg_database where not datistemplate',
          ),
        ),
      )
    ).reduce((total, result) => total + (result.rows[0]?.n ?? 0), 0);
    return {
      monitored_databases: databases,
      servers: ids.length,
      cycle_with_sizes: withSizes,
      cycle_without_sizes: withoutSizes,
    };
  } finally {
    await close();
    await dropDatabases(clusters, created);
  }
}

async function measureCycles(collector: CollectorService, ids: number[], sizes: boolean) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < CYCLES; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const started = process.hrtime.bigint();
    const usage = process.cpuUsage();
    await cycle(collector, ids, sizes);
    const spent = process.cpuUsage(usage);
    wall.push(Number(process.hrtime.bigint() - started) / 1e6);
    cpu.push((spent.user + spent.system) / 1000);
  }
  return {
    wall_ms: summarize(wall),
    cpu_ms: summarize(cpu),
    cpu_ms_per_database: round(summarize(cpu).p50 / DATABASES, 3),
  };
}

function cycle(collector: CollectorService, ids: number[], sizes: boolean): Promise<void[]> {
  return Promise.all(ids.map((id) => collector.collectNow(id, sizes)));
}

async function createDatabases(clusters: PgTarget[]): Promise<string[][]> {
  const existing = await Promise.all(
    clusters.map((c) =>
      adminQuery<{ n: number }>(
        c,
        'select count(*)::int as n from pg_database where not datistemplate',
      ),
    ),
  );
  let missing = DATABASES - existing.reduce((total, result) => total + (result.rows[0]?.n ?? 0), 0);
  const created: string[][] = clusters.map(() => []);
  for (let i = 0; missing > 0; i++, missing--) {
    const index = i % clusters.length;
    const cluster = clusters[index];
    const name = `bench_collect_${i}`;
    await adminQuery(cluster, `create database ${name}`);
    created[index]?.push(name);
  }
  return created;
}

async function dropDatabases(clusters: PgTarget[], created: string[][]): Promise<void> {
  for (const [index, names] of created.entries()) {
    for (const name of names)
      await adminQuery(clusters[index], `drop database if exists ${name} with (force)`);
  }
}

async function registerServers(servers: ServersService, clusters: PgTarget[]): Promise<number[]> {
  const ids: number[] = [];
  for (const cluster of clusters) {
    const server = await servers.create(
      {
        name: `collect-${cluster.name}`,
        host: '127.0.0.1',
        port: cluster.port,
        user: cluster.monitorUser,
        password: cluster.monitorPassword,
      },
      { login: 'bench' },
    );
    ids.push(server.id);
  }
  return ids;
}
