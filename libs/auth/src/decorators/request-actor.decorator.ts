import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from '../auth-user.js';

/** Who makes a change, as the audit log records it: the logged-in user and the client address. */
export interface RequestActor {
  login: string;
  clientIp: string | null;
}

/** The authenticated user and client address of the request (for services that audit changes). */
export const AuditActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestActor => {
    const request = context.switchToHttp().getRequest<Request & { user: AuthUser }>();
    return { login: request.user.login, clientIp: request.ip ?? null };
  },
);
