import type { Request } from 'express';

/** Where a request came from, as the audit log records it. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The client address (behind TRUST_PROXY, the forwarded one) and the User-Agent. */
export function clientOf(request: Request): ClientInfo {
  return {
    ip: request.ip ?? request.socket.remoteAddress ?? null,
    userAgent: request.get('user-agent') ?? null,
  };
}
