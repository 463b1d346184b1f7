import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '#config';

/**
 * CSRF defence of the cookie-authenticated routes (/api/refresh, /api/logout), as upstream
 * does it: a request whose Origin header names another site is refused with 403 "Invalid
 * origin". Allowed: the origin pgmon is reached at (the UI served from the same place) and
 * CORS_ORIGINS (a UI served elsewhere). Clients that send no Origin (curl, scripts) pass; a
 * browser always sends it on a cross-site POST, and SameSite=Strict keeps the cookie from such
 * requests anyway.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  private readonly allowed: Set<string>;

  constructor(config: AppConfig) {
    this.allowed = new Set(config.http.corsOrigins.filter((origin) => origin !== '*'));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const origin = request.get('origin');
    if (origin === undefined || origin === ownOrigin(request) || this.allowed.has(origin)) {
      return true;
    }
    throw new ForbiddenException('Invalid origin');
  }
}

/** The origin the request was sent to (behind TRUST_PROXY, as the proxy was reached). */
function ownOrigin(request: Request): string {
  return `${request.protocol}://${request.host}`;
}
