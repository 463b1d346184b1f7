import { loadavg } from 'node:os';
import pg from 'pg';
import { TaskScheduler } from '#collector';
import { AppConfig } from '#config';
import { ServersService } from '#servers';
import { adminQuery, superuserClient } from '../test/support/clusters.js';
import type { PgTarget, TestTargets } from '../test/support/targets-info.js';
import { startCollectorApp } from './collector-app.js';
import { summarize } from './measure.js';

const DATABASES = 50;
const TABLES_PER_DATABASE = 40;
const CYCLES = 5;

/**
 * Issue 11's figures: one checks cycle over a server with 50 databases and 2,000 tables (each
 * with a serial primary key: as many sequences and indexes), its wall and CPU time, and the
 * most connections pgmon held to the server meanwhile (polled every few milliseconds).
 */
export async function checksBench(targets: TestTargets): Promise<Record<string, unknown>> {
  const cluster = targets.pg.stats;
  const created = await createDatabases(cluster);
  const { app, close } = await startCollectorApp();
  try {
    const server = await app.get(ServersService).create(
      {
        name: 'checks',
        host: '127.0.0.1',
        port: cluster.port,
        user: cluster.monitorUser,
        password: cluster.monitorPassword,
      },
      { login: 'bench' },
    );
    const scheduler = app.get(TaskScheduler);
    const cycle = () => scheduler.runNow('checks', server.id);
    await cycle();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const started = process.hrtime.bigint();
      const usage = process.cpuUsage();
      await cycle();
      const spent = process.cpuUsage(usage);
      wall.push(Number(process.hrtime.bigint() - started) / 1e6);
      cpu.push((spent.user + spent.system) / 1000);
    }
    const watcher = await watchConnections(cluster);
    await cycle();
    const maxConnections = await watcher.stop();
    const databases = await adminQuery<{ n: number }>(
      cluster,
      'select count(*)::int as n from pg_database where datallowconn and not datistemplate',
    );
    return {
      databases: databases.rows[0]?.n,
      tables: DATABASES * TABLES_PER_DATABASE,
      cycle_wall_ms: summarize(wall),
      cycle_cpu_ms: summarize(cpu),
      max_pgmon_connections_during_a_cycle: maxConnections,
      pool_max: app.get(AppConfig).targets.pools.default.max,
      // Wall times mean little on a machine busy with other work: say how busy it was.
      load_average_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    };
  } finally {
    await close();
    for (const name of created)
      await adminQuery(cluster, `drop database if exists ${name} with (force)`);
  }
}

/** DATABASES databases of TABLES_PER_DATABASE tables, each with a serial primary key. */
async function createDatabases(cluster: PgTarget): Promise<string[]> {
  const created: string[] = [];
  const tables = Array.from(
    { length: TABLES_PER_DATABASE },
    (_, i) => `create table t${i} (id serial primary key, v int, note text);`,
  ).join('\n');
  for (let i = 0; i < DATABASES; i++) {
    const name = `bench_checks_${i}`;
    await adminQuery(cluster, `create database ${name}`);
    created.push(name);
    await adminQuery(cluster, tables, [], name);
  }
  return created;
}

/** Polls pg_stat_activity on one connection for pgmon's connections; stop() returns the most seen. */
async function watchConnections(cluster: PgTarget): Promise<{ stop(): Promise<number> }> {
  const client: pg.Client = await superuserClient(cluster);
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const result = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where application_name = 'pgmon'`,
      );
      max = Math.max(max, result.rows[0]?.n ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return max;
    },
  };
}
