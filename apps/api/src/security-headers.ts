import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet's defaults (nosniff, frame and referrer policies, a strict CSP) adjusted for pgmon:
 * Swagger UI at /docs loads its own scripts and uses inline styles and data: images, nothing may
 * frame any page, and pgmon speaks plain HTTP, so neither HSTS nor upgrade-insecure-requests
 * (both would break a plain-HTTP deployment; the TLS proxy in front decides about HSTS).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
}

/** Token responses, and failed logins, must never be stored by a cache (RFC 6749, 5.1). */
export function noStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  next();
}
