import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME, PASSWORD_FLOW_SCHEME } from '#auth';
import { PGMON_VERSION } from '#config';
import { InternalErrorView } from '#http';
import { withSshKeyExamples } from '#ssh-keys';
import { API_PREFIX } from './api-aliases.js';

/**
 * Swagger UI at /docs and the OpenAPI document at /openapi.json (FastAPI's paths). The document
 * is built on its first request, not at start: it is a few MB that an API nobody browses never
 * needs, and building it loads ssh2 (see withSshKeyExamples).
 */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'pgmon API',
    // No validator badge: it would send the document's URL to validator.swagger.io (and CSP blocks it).
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
}

function buildDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('pgmon')
      .setDescription(
        'PostgreSQL fleet monitoring API. Log in with "Authorize" (username and password), then "Try it out". ' +
          `Every path is also served under ${API_PREFIX} (same handler, same roles), for the upstream project's web UI: pick the "${API_PREFIX}" server above.`,
      )
      .setVersion(PGMON_VERSION)
      // 3.1: schemas are JSON Schema 2020-12 (null is a type, nullable objects are anyOf with
      // null), which Swagger UI renders and any JSON Schema validator reads as it is.
      .setOpenAPIVersion('3.1.0')
      .addServer('/', 'Seed paths')
      .addServer(API_PREFIX, `The same routes under ${API_PREFIX} (upstream clients)`)
      .addOAuth2(
        { type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: {} } } },
        PASSWORD_FLOW_SCHEME,
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
      .addGlobalResponse({
        status: 500,
        description: 'An unexpected error: only an id, which names the full error in the log',
        type: InternalErrorView,
      })
      .build(),
  );
  return withSshKeyExamples(withNativeApiPaths(document));
}

/**
 * Paths that live under /api already are served only as they are: they get a server of their
 * own (the root), so neither server doubles their prefix.
 */
function withNativeApiPaths(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    if (path.startsWith(`${API_PREFIX}/`)) item.servers = [{ url: '/' }];
  }
  return document;
}
