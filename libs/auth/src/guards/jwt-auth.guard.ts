import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { AuthUser } from '../auth-user.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';

/** Global, deny by default: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
  }

  /** Verifies the bearer token even on a @Public() route (for guards that add alternatives). */
  canActivateWithToken(context: ExecutionContext) {
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthUser>(error: unknown, user: unknown, info: unknown): TUser {
    if (error || !user) throw new UnauthorizedException(unauthorizedDetail(info));
    return user as TUser;
  }
}

function unauthorizedDetail(info: unknown): string {
  if (info instanceof Error) {
    if (info.name === 'TokenExpiredError') return 'Token has expired';
    if (info.message === 'No auth token') return 'Not authenticated';
    return 'Could not validate credentials';
  }
  return info === undefined || info === null
    ? 'Could not validate credentials'
    : 'Not authenticated';
}
