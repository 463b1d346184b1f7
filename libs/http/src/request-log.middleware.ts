import { randomUUID } from 'node:crypto';
import { Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { REDACTED, requestContext } from '#logging';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SECRET_PARAM = /pass|secret|token|key|auth/i;

export interface RequestWithId extends Request {
  requestId?: string;
}

/** What the access line says about a request (an Express request has all of it). */
export interface LoggedRequest {
  method?: string;
  originalUrl: string;
  ip?: string;
  requestId?: string;
  user?: { login?: string };
}

/** The client's X-Request-Id when it is a sane one, else a new UUID. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * One access-log line per request, written when the response is finished (so 401s from guards
 * are logged too). Bodies and headers are never logged; secret-looking query values are masked.
 * With `withContext` (LOG_FORMAT=json), the request is served inside an AsyncLocalStorage
 * context, so every JSON line written meanwhile carries its id; text logs only need the id on
 * the access line, and skip that cost (async hooks on every promise).
 */
export class RequestLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly withContext = false) {}

  use(request: RequestWithId, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(request.header('x-request-id'));
    request.requestId = requestId;
    response.setHeader('X-Request-Id', requestId);
    response.on('finish', () => this.log(request, response.statusCode, elapsedMs(started)));
    if (this.withContext) requestContext.run({ requestId }, next);
    else next();
  }

  /** Writes the access line of a finished request (also for requests served outside Express). */
  log(request: LoggedRequest, status: number, ms: number): void {
    const line = describeRequest(request, status, ms);
    const requestId = request.requestId;
    if (this.withContext && requestId) {
      requestContext.run({ requestId }, () => this.logger.log(line));
    } else this.logger.log(line);
  }
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function describeRequest(request: LoggedRequest, status: number, ms: number): string {
  const user = request.user?.login ?? '-';
  return `${request.method ?? '-'} ${safeUrl(request.originalUrl)} ${status} ${ms.toFixed(1)}ms user=${user} ip=${request.ip ?? '-'} id=${request.requestId ?? '-'}`;
}

/** The request URL with the values of secret-looking query parameters masked. */
export function safeUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) {
    if (SECRET_PARAM.test(key)) params.set(key, REDACTED);
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}
