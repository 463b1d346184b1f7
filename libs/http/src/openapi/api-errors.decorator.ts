import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorView, ValidationErrorView } from './error-views.js';

/** The error statuses pgmon answers, each in the seed's `{"detail": ...}` shape. */
export type ErrorStatus = 401 | 403 | 404 | 409 | 422 | 429 | 502 | 503 | 504;

/** What an error status means on a route: a description, or one with the headers it carries. */
export type ErrorDoc = string | { description: string; headers: ErrorHeader[] };
export type ErrorHeader = 'WWW-Authenticate' | 'Retry-After';

const HEADERS: Record<ErrorHeader, { description: string; schema: object }> = {
  'WWW-Authenticate': {
    description: 'Always `Bearer`',
    schema: { type: 'string', enum: ['Bearer'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
};

/**
 * OpenAPI: the errors a route answers, with their real bodies: 422 is FastAPI's list of issues,
 * every other status `{"detail": "..."}`. One decorator for every route, so the error shapes
 * are written once.
 *
 * ```ts
 * @ApiErrors({ 404: 'No such server', 409: 'A server with this name exists' })
 * ```
 */
export function ApiErrors(
  errors: Partial<Record<ErrorStatus, ErrorDoc>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorView, ValidationErrorView),
    ...Object.entries(errors).map(([status, doc]) => errorResponse(Number(status), doc)),
  );
}

function errorResponse(status: number, doc: ErrorDoc): MethodDecorator & ClassDecorator {
  const { description, headers = [] } = typeof doc === 'string' ? { description: doc } : doc;
  const view = status === 422 ? ValidationErrorView : ErrorView;
  return ApiResponse({
    status,
    description,
    content: { 'application/json': { schema: { $ref: getSchemaPath(view) } } },
    ...(headers.length > 0 && {
      headers: Object.fromEntries(
        headers.map((name) => [name, { ...HEADERS[name], required: true }]),
      ),
    }),
  });
}
