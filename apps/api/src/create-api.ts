import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { AppConfig, type AppConfigModuleOptions } from '#config';
import { HttpMetrics, RequestLogMiddleware } from '#http';
import { createAppLogger } from '#logging';
import { ApiAliases } from './api-aliases.js';
import { ApiModule } from './api.module.js';
import { FastLane } from './fast-lane/fast-lane.js';
import { setupOpenApi } from './openapi.js';
import { noStore, securityHeaders } from './security-headers.js';

/** Largest accepted request body: a server entry with an SSH private key fits easily. */
export const BODY_LIMIT = '256kb';

/**
 * Builds the API exactly as production runs it (main.ts and the route tests both call this):
 * logger, security headers, body limits, proxy trust, CORS, OpenAPI, shutdown hooks.
 */
export async function createApi(
  options: AppConfigModuleOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(await ApiModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
    // During shutdown, new requests (also on kept-alive connections) get 503 and
    // "Connection: close", while requests already in flight finish.
    return503OnClosing: true,
  });
  const config = app.get(AppConfig);
  app.useLogger(createAppLogger(config));
  // First, so that requests the body parser refuses are logged and get a request id too.
  const requestLog = new RequestLogMiddleware(config.log.format === 'json');
  app.use(requestLog.use.bind(requestLog));
  app.use(app.get(HttpMetrics).middleware);
  app.use(securityHeaders());
  app.use(app.get(ApiAliases).middleware);
  // After the aliases: /api/token is rewritten to /token by then.
  app.use(['/token', '/api/refresh'], noStore);
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
  // In front of Express: GETs whose answer is in memory skip it, logged and measured the same.
  const adapter = app.getHttpAdapter();
  app
    .get(FastLane)
    .install(app.getHttpServer(), adapter.getInstance(), requestLog, () => isShuttingDown(adapter));
  // process.exit after the hooks ran: a SIGTERM shutdown that went well exits 0, not 143.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/** Set by Nest when the app starts closing; Express then answers 503 (return503OnClosing). */
function isShuttingDown(adapter: object): boolean {
  return (adapter as { isShuttingDown?: boolean }).isShuttingDown === true;
}
