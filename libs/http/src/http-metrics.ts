import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/**
 * HTTP request durations by method, route pattern (never the raw URL: server names would make
 * the label set unbounded) and status. createApi registers `middleware` before the routes.
 */
@Injectable()
export class HttpMetrics {
  private readonly durations: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.durations = new Histogram({
      name: 'pgmon_http_request_duration_seconds',
      help: 'HTTP request durations',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** One request served outside Express (the API's fast lane), labelled as Express would. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.durations.observe({ method, route, status: String(status) }, seconds);
  }

  /** Express middleware; register it before the routes. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const end = this.durations.startTimer();
    response.on('finish', () => {
      end({ method: request.method, route: routeOf(request), status: String(response.statusCode) });
    });
    next();
  };
}

function routeOf(request: Request): string {
  const route = (request as unknown as { route?: { path?: unknown } }).route;
  const path = route?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : 'unmatched';
}
