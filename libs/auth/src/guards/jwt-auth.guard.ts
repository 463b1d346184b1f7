import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { AuthUser } from '../auth-user.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { bearerToken } from '../strategies/jwt.strategy.js';
import { AuthCache } from '../tokens/auth-cache.js';

/**
 * Global, deny by default: every route needs a valid bearer token unless marked @Public().
 * A token passport-jwt verified before, still unexpired and still good for its user (AuthCache),
 * is let through without passport; anything else goes through passport-jwt and JwtStrategy.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: AuthCache,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : this.canActivateWithToken(context);
  }

  /** Verifies the bearer token even on a @Public() route (for guards that add alternatives). */
  async canActivateWithToken(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = bearerToken(request);
    const claims = token ? this.cache.verifiedClaims(token) : undefined;
    const user = claims ? await this.cache.authorize(claims) : undefined;
    if (user) {
      request.user = user;
      return true;
    }
    return (await super.canActivate(context)) as boolean;
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
