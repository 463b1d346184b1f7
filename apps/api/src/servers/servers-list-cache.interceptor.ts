import { CACHE_MANAGER, CacheInterceptor } from '@nestjs/cache-manager';
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Cache } from 'cache-manager';
import type { AuthUser } from '#auth';
import { AppConfig } from '#config';
import { serversListKey } from '#stats';

/** How long the assembled list is reused; each server's entry has its own STATUS_CACHE_TTL. */
export const SERVERS_LIST_TTL_MS = 1000;

/**
 * Caches the assembled GET /servers answer for one second under a key per role (never per URL
 * alone), so one role's view is never served to another. Runs after the guards: the cache
 * never answers an unauthenticated request. Off when STATUS_CACHE_TTL is 0.
 */
@Injectable()
export class ServersListCacheInterceptor extends CacheInterceptor {
  constructor(
    @Inject(CACHE_MANAGER) cache: Cache,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(cache, reflector);
  }

  protected override trackBy(context: ExecutionContext): string | undefined {
    if (this.config.cache.statusTtlSeconds === 0) return undefined;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    return user ? serversListKey(user.role) : undefined;
  }
}
