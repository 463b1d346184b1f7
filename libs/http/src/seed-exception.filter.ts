import { randomUUID } from 'node:crypto';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorBody, ValidationIssue } from './error-body.js';

interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
}

/**
 * The one catch-all filter. HTTP errors keep their status with a seed-shaped `{"detail": ...}`;
 * anything else is a 500 whose body names only an error id, logged with the full error.
 */
@Catch()
export class SeedExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const { status, body } = this.describe(exception, request);
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    const retryAfter =
      exception instanceof HttpException
        ? (exception as { retryAfterSeconds?: unknown }).retryAfterSeconds
        : undefined;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private describe(exception: unknown, request: Request): { status: number; body: ErrorBody } {
    // Nest wraps body-parser errors in an HttpException; the parser's error is its cause.
    const parserError = asBodyParserError(
      exception instanceof HttpException ? exception.cause : exception,
    );
    if (parserError) return describeBodyParserError(parserError);
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: { detail: httpDetail(exception) } };
    }
    const errorId = randomUUID();
    this.logger.error(
      `Unhandled error ${errorId} on ${request.method} ${request.path}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { detail: 'Internal Server Error', error_id: errorId },
    };
  }
}

function httpDetail(exception: HttpException): string | ValidationIssue[] {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const payload = response as { detail?: unknown; message?: unknown };
  if (typeof payload.detail === 'string' || Array.isArray(payload.detail)) {
    return payload.detail as string | ValidationIssue[];
  }
  if (exception.getStatus() === 404 && isRouteMiss(payload.message)) return 'Not Found';
  if (exception.getStatus() === 429) return 'Too many requests; try again later';
  if (typeof payload.message === 'string') return payload.message;
  if (Array.isArray(payload.message)) return payload.message.map(String).join('; ');
  return exception.message;
}

/** Nest answers an unknown route with "Cannot GET /path"; FastAPI says "Not Found". */
function isRouteMiss(message: unknown): boolean {
  return typeof message === 'string' && /^Cannot [A-Z]+ /.test(message);
}

function asBodyParserError(exception: unknown): BodyParserError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const candidate = exception as Partial<BodyParserError>;
  return typeof candidate.type === 'string' &&
    (candidate.status ?? candidate.statusCode) !== undefined
    ? (candidate as BodyParserError)
    : undefined;
}

function describeBodyParserError(error: BodyParserError): { status: number; body: ErrorBody } {
  switch (error.type) {
    case 'entity.parse.failed':
      return {
        status: HttpStatus.UNPROCESSABLE_ENTITY,
        body: {
          detail: [{ loc: ['body'], msg: 'Request body is not valid JSON', type: 'json_invalid' }],
        },
      };
    case 'entity.too.large':
      return {
        status: HttpStatus.PAYLOAD_TOO_LARGE,
        body: { detail: 'Request body is too large' },
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        body: { detail: 'Request body encoding is not supported' },
      };
    default: {
      const status = error.status ?? error.statusCode ?? HttpStatus.BAD_REQUEST;
      return {
        status: status >= 400 && status < 500 ? status : 400,
        body: { detail: 'Bad request body' },
      };
    }
  }
}
