import { join } from 'node:path';
import { openStore } from '#store';
import { createDatabase } from '../test/support/clusters.js';
import type { TestTargets } from '../test/support/targets-info.js';
import { startApiProcess } from './api-process.js';
import { seedHistory } from './history-seed.js';
import { round, sequential } from './measure.js';

const DATABASES = 10;
const DAYS = 30;
const REQUESTS = 100;

/** Issue 4's figures: GET /server/{name}/stats over 7 and 30 days of 1-minute samples, SQLite and PostgreSQL. */
export async function historyBench(
  targets: TestTargets,
  port: number,
): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = { databases: DATABASES, days_of_1_minute_samples: DAYS };
  for (const backend of ['sqlite', 'postgres'] as const) {
    const database =
      backend === 'postgres' ? await createDatabase(targets.pg.main, 'benchstore') : undefined;
    const api = await startApiProcess(
      { COLLECTOR_ENABLED: 'false', ...(database && { DATABASE_URL: database.url }) },
      port,
    );
    try {
      const main = targets.pg.main;
      await api.call('POST', '/servers', {
        name: 'hist',
        host: '127.0.0.1',
        port: main.port,
        user: main.monitorUser,
        password: main.monitorPassword,
      });
      const store = openStore(
        database
          ? { kind: 'postgres', url: database.url }
          : { kind: 'sqlite', file: join(api.dataDir, 'pgmon.db') },
      );
      const server = await store.db
        .selectFrom('servers')
        .select('id')
        .where('name', '=', 'hist')
        .executeTakeFirstOrThrow();
      const seeded = Date.now();
      const rows = await seedHistory(store.db, Number(server.id), DATABASES, DAYS);
      const seedSeconds = round((Date.now() - seeded) / 1000, 1);
      await store.db.destroy();
      const now = Date.now();
      const url = (days: number, path = 'stats') =>
        `${api.url}/server/hist/${path}?start_date=${new Date(now - days * 86_400_000).toISOString()}&end_date=${new Date(now).toISOString()}`;
      await sequential(url(7), api.token, 5);
      results[backend] = {
        raw_samples: rows,
        seed_seconds: seedSeconds,
        server_stats_7_days_ms: await sequential(url(7), api.token, REQUESTS),
        server_stats_30_days_ms: await sequential(url(30), api.token, REQUESTS),
        database_stats_30_days_ms: await sequential(
          url(30, 'db/bench_db_3/stats'),
          api.token,
          REQUESTS,
        ),
        server_stats_1_day_raw_ms: await sequential(url(1), api.token, 30),
      };
    } finally {
      await api.stop();
      api.removeDataDir();
      await database?.drop();
    }
  }
  return results;
}
