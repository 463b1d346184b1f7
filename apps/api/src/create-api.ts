import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { AppConfig, type AppConfigModuleOptions } from '#config';
import { createAppLogger } from '#logging';
import { ApiModule } from './api.module.js';
import { setupOpenApi } from './openapi.js';

/** Largest accepted request body: a server entry with an SSH private key fits easily. */
export const BODY_LIMIT = '256kb';

/**
 * Builds the API exactly as production runs it (main.ts and the route tests both call this):
 * logger, body limits, proxy trust, CORS, OpenAPI, shutdown hooks.
 */
export async function createApi(
  options: AppConfigModuleOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(await ApiModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });
  const config = app.get(AppConfig);
  app.useLogger(createAppLogger(config));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins.includes('*') ? true : config.http.corsOrigins,
      credentials: !config.http.corsOrigins.includes('*'),
    });
  }
  setupOpenApi(app);
  app.enableShutdownHooks();
  return app;
}
