import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '#config';
import { createAppLogger } from '#logging';
import { CollectorAppModule } from './collector-app.module.js';

async function main(): Promise<void> {
  // This process exists to collect: COLLECTOR_ENABLED (meant for the API) does not turn it off.
  process.env.COLLECTOR_ENABLED = 'true';
  const app = await NestFactory.createApplicationContext(
    await CollectorAppModule.forRoot({ envFile: true }),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(createAppLogger(app.get(AppConfig)));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.init();
  // The collector's own timers are unref'd (they must not keep the API or a test alive); this
  // process exists for them, so it holds one referenced timer until shutdown exits it.
  setInterval(() => undefined, 60_000);
  Logger.log(`pgmon collector ${app.get(AppConfig).version} started`, 'Collector');
}

main().catch((error: unknown) => {
  console.error(
    `pgmon collector failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
