import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, PASSWORD_FLOW_SCHEME } from '#auth';
import { PGMON_VERSION } from '#config';

/** Swagger UI at /docs and the OpenAPI document at /openapi.json (FastAPI's paths). */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('pgmon')
      .setDescription(
        'PostgreSQL fleet monitoring API. Log in with "Authorize" (username and password), then "Try it out".',
      )
      .setVersion(PGMON_VERSION)
      .addOAuth2(
        { type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: {} } } },
        PASSWORD_FLOW_SCHEME,
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'pgmon API',
    swaggerOptions: { persistAuthorization: true },
  });
}
