import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CollectorAppModule } from '../apps/collector/src/collector-app.module.js';
import { withEnv } from '../test/support/api.js';

export interface BenchCollector {
  app: INestApplicationContext;
  /** Closes the app and removes its data directory. */
  close: () => Promise<void>;
}

/** The collector's module graph in this process, on a fresh SQLite store, not scheduling itself. */
export async function startCollectorApp(): Promise<BenchCollector> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgmon-bench-collector-'));
  const app = await withEnv(
    {
      DATA_DIR: dataDir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'WARNING',
      COLLECTOR_ENABLED: 'false',
    },
    async () =>
      NestFactory.createApplicationContext(await CollectorAppModule.forRoot(), {
        logger: ['error', 'warn'],
      }),
  );
  await app.init();
  return {
    app,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
