import { timingSafeEqual } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthCache, JwtAuthGuard } from '#auth';
import { AppConfig } from '#config';

/**
 * GET /metrics: a Prometheus server presents METRICS_TOKEN as its bearer token; anyone else
 * needs a valid user token, as on every other route.
 */
@Injectable()
export class MetricsAuthGuard extends JwtAuthGuard {
  constructor(
    reflector: Reflector,
    cache: AuthCache,
    private readonly config: AppConfig,
  ) {
    super(reflector, cache);
  }

  override canActivate(context: ExecutionContext) {
    const token = this.config.auth.metricsToken;
    const header = context.switchToHttp().getRequest<Request>().header('authorization') ?? '';
    if (token && sameSecret(header, `Bearer ${token}`)) return true;
    return super.canActivateWithToken(context);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
