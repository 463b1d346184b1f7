import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { sql } from 'kysely';
import { NestFactory } from '@nestjs/core';
import { CollectorAppModule } from '../apps/collector/src/collector-app.module.js';
import { StatementsSnapshotTask } from '#insight';
import { ServersService, type ServerRecord } from '#servers';
import { StoreService } from '#store';
import { withEnv } from '../test/support/api.js';
import { adminQuery, createDatabase, superuserClient } from '../test/support/clusters.js';
import type { PgTarget, TestTargets } from '../test/support/targets-info.js';
import { startApiProcess } from './api-process.js';
import { extendHourly, InsightDay, tableBytes } from './insight-seed.js';
import { round, sequential, summarize } from './measure.js';

/** 100 tables x 50 shapes: the 5,000 entries pg_stat_statements.max allows. */
const TABLES = 100;
const SHAPES = 50;
const SNAPSHOTS = 10;
const ACTIVE_STATEMENTS = 1000;
const ACTIVE_SESSIONS = 20;
const REQUESTS = 100;
const MB = 1024 * 1024;

type Backend = 'sqlite' | 'postgres';

/**
 * Issue 10's figures: one statements snapshot of a view holding 5,000 entries (wall and CPU of
 * this process), the store's growth per server and day at the default intervals with 1,000
 * active statements and 20 active sessions, and GET /server/{name}/queries over 24 hours and
 * 7 days of that data, on SQLite and PostgreSQL.
 */
export async function insightBench(
  targets: TestTargets,
  port: number,
): Promise<Record<string, unknown>> {
  const main = targets.pg.main;
  const entries = await fillStatements(main);
  const results: Record<string, unknown> = { pg_stat_statements_entries: entries };
  for (const backend of ['sqlite', 'postgres'] as const) {
    const storeDatabase =
      backend === 'postgres' ? await createDatabase(main, 'bench_insight') : undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'pgmon-bench-insight-'));
    const storeEnv: Record<string, string> = storeDatabase
      ? { DATABASE_URL: storeDatabase.url }
      : {};
    try {
      results[backend] = {
        snapshot_of_5000_entries: await snapshotCost(main, dataDir, storeEnv),
        ...(await growthAndReads(main, port, storeEnv, backend)),
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await storeDatabase?.drop();
    }
  }
  return results;
}

/** 5,000 distinct statements: 50 shapes (1 to 50 columns) on each of 100 tables. */
async function fillStatements(main: PgTarget): Promise<number> {
  await adminQuery(main, 'create database bench_statements');
  await adminQuery(
    main,
    Array.from({ length: TABLES }, (_, t) => `create table t${t} (v int);`).join('\n'),
    [],
    'bench_statements',
  );
  const client = await superuserClient(main, 'bench_statements');
  try {
    for (let t = 0; t < TABLES; t++)
      for (let width = 1; width <= SHAPES; width++)
        await client.query(
          `select ${Array.from({ length: width }, () => 'v').join(', ')} from t${t}`,
        );
  } finally {
    await client.end();
  }
  const count = await adminQuery<{ n: number }>(
    main,
    'select count(*)::int as n from pg_stat_statements',
  );
  return count.rows[0]?.n ?? 0;
}

/** A collector process's context on a store (no HTTP), with the bench's server in it. */
async function collectorContext(
  dataDir: string,
  storeEnv: Record<string, string>,
): Promise<INestApplicationContext> {
  return withEnv(
    {
      DATA_DIR: dataDir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'WARNING',
      COLLECTOR_ENABLED: 'false',
      DATABASE_URL: undefined,
      ...storeEnv,
    },
    async () => {
      const app = await NestFactory.createApplicationContext(await CollectorAppModule.forRoot(), {
        logger: ['error', 'warn'],
      });
      await app.init();
      return app;
    },
  );
}

/** Wall and CPU time of this process for one snapshot, in steady state (texts known). */
async function snapshotCost(main: PgTarget, dataDir: string, storeEnv: Record<string, string>) {
  const app = await collectorContext(dataDir, storeEnv);
  try {
    const server = await app.get(ServersService).create(
      {
        name: 'bench-snapshot',
        host: '127.0.0.1',
        port: main.port,
        user: main.monitorUser,
        password: main.monitorPassword,
      },
      { login: 'bench' },
    );
    const task = app.get(StatementsSnapshotTask);
    const client = await superuserClient(main, 'bench_statements');
    const wall: number[] = [];
    const cpu: number[] = [];
    try {
      for (let run = 0; run < SNAPSHOTS + 2; run++) {
        // Between snapshots, a fifth of the statements run again (so each interval has a top).
        for (let t = run % 5; t < TABLES; t += 5) await client.query(`select v from t${t}`);
        const started = process.hrtime.bigint();
        const usage = process.cpuUsage();
        await task.run(server);
        const spent = process.cpuUsage(usage);
        if (run < 2) continue; // the baseline, then the first texts
        wall.push(Number(process.hrtime.bigint() - started) / 1e6);
        cpu.push((spent.user + spent.system) / 1000);
      }
    } finally {
      await client.end();
    }
    return { wall_ms: summarize(wall), cpu_ms: summarize(cpu) };
  } finally {
    await app.close();
  }
}

/** One day written at the defaults, its size, then the routes over 24 hours and 7 days. */
async function growthAndReads(
  main: PgTarget,
  port: number,
  storeEnv: Record<string, string>,
  backend: Backend,
) {
  const setup = await startApiProcess({ COLLECTOR_ENABLED: 'false', ...storeEnv }, port);
  await setup.call('POST', '/servers', {
    name: 'bench-day',
    host: '127.0.0.1',
    port: main.port,
    user: main.monitorUser,
    password: main.monitorPassword,
  });
  await setup.stop();
  const end = Date.now();
  const app = await collectorContext(setup.dataDir, storeEnv);
  let growth: Record<string, unknown>;
  try {
    const server: ServerRecord = await app.get(ServersService).get('bench-day');
    const store = app.get(StoreService);
    const day = new InsightDay(app, server, end);
    const started = Date.now();
    const readings = await day.statements(ACTIVE_STATEMENTS);
    const statementsSeconds = (Date.now() - started) / 1000;
    const samplesStarted = Date.now();
    const samples = await day.sessions(ACTIVE_SESSIONS);
    const sessionsSeconds = (Date.now() - samplesStarted) / 1000;
    const mb = async (prefix: string): Promise<number> =>
      round((await tableBytes(store.db, store.dialect, prefix)) / MB, 1);
    const onDisk = { statements: await mb('statement_'), sessions: await mb('activity_') };
    // PostgreSQL keeps dead row versions (the reading updated every minute) until autovacuum
    // makes their space reusable: what stays is the live data.
    if (store.dialect === 'postgres') await sql`vacuum full`.execute(store.db);
    growth = {
      readings_per_day: readings,
      samples_per_day: samples,
      statements_mb_per_day: await mb('statement_'),
      of_which_per_interval_rows_mb: await mb('statement_samples'),
      of_which_rollups_mb: await mb('statement_rollups'),
      sessions_mb_per_day: await mb('activity_'),
      ...(store.dialect === 'postgres' && { on_disk_before_vacuum_mb: onDisk }),
      write_seconds: {
        statements_day: round(statementsSeconds, 1),
        sessions_day: round(sessionsSeconds, 1),
      },
    };
    await extendHourly(store.db, end, 7);
  } finally {
    await app.close();
  }
  const api = await startApiProcess(
    { COLLECTOR_ENABLED: 'false', ...storeEnv },
    port,
    setup.dataDir,
  );
  try {
    const url = (days: number, path = 'queries') =>
      `${api.url}/server/bench-day/${path}?start_date=${new Date(end - days * 86_400_000).toISOString()}&end_date=${new Date(end).toISOString()}`;
    await sequential(url(1), api.token, 5);
    return {
      store: backend,
      ...growth,
      queries_24_hours_ms: await sequential(url(1), api.token, REQUESTS),
      queries_7_days_ms: await sequential(url(7), api.token, REQUESTS),
      activity_history_24_hours_ms: await sequential(url(1, 'activity/history'), api.token, 20),
    };
  } finally {
    await api.stop();
    api.removeDataDir();
  }
}
