import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import { createApi } from './create-api.js';

async function main(): Promise<void> {
  const app = await createApi({ envFile: true });
  const config = app.get(AppConfig);
  for (const file of config.generatedKeyFiles) {
    Logger.warn(`Generated a new key in ${file} (mode 0600); keep it with the store`, 'Config');
  }
  await app.listen(config.http.port, config.http.host);
  Logger.log(
    `pgmon ${config.version} listening on http://${config.http.host}:${config.http.port} (docs at /docs)`,
    'Api',
  );
}

main().catch((error: unknown) => {
  // Configuration errors name the variable; print the message, not a stack trace.
  console.error(`pgmon failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
