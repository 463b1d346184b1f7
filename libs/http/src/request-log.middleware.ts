import { randomUUID } from 'node:crypto';
import { Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { REDACTED, requestContext } from '#logging';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SECRET_PARAM = /pass|secret|token|key|auth/i;

export interface RequestWithId extends Request {
  requestId?: string;
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
    const incoming = request.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    request.requestId = requestId;
    response.setHeader('X-Request-Id', requestId);
    response.on('finish', () => {
      const line = describeRequest(request, response.statusCode, elapsedMs(started));
      if (this.withContext) requestContext.run({ requestId }, () => this.logger.log(line));
      else this.logger.log(line);
    });
    if (this.withContext) requestContext.run({ requestId }, next);
    else next();
  }
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function describeRequest(request: RequestWithId, status: number, ms: number): string {
  const user = (request as { user?: { login?: string } }).user?.login ?? '-';
  return `${request.method} ${safeUrl(request.originalUrl)} ${status} ${ms.toFixed(1)}ms user=${user} ip=${request.ip ?? '-'} id=${request.requestId ?? '-'}`;
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
