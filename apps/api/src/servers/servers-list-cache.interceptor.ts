import {
  CallHandler,
  ExecutionContext,
  Injectable,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, of, type Observable, type Subscription } from 'rxjs';
import type { AuthUser, Role } from '#auth';
import { AppConfig } from '#config';
import { ServersService } from '#servers';

/** How long the assembled list is reused; each server's entry has its own STATUS_CACHE_TTL. */
export const SERVERS_LIST_TTL_MS = 1000;

interface Serialized {
  body: string;
  expiresAt: number;
}

/**
 * GET /servers is the hottest route: its answer, serialized once, is reused for one second per
 * role (so one role's view never reaches another), and a change of any server drops it. A Map
 * rather than cache-manager: a synchronous look-up of a per-process memo of a view derived from
 * the shared status entries, which stay in cache-manager. Runs after the guards, so it never
 * answers an unauthenticated request. Off when STATUS_CACHE_TTL is 0.
 */
@Injectable()
export class ServersListCacheInterceptor implements OnModuleInit, OnModuleDestroy {
  private readonly lists = new Map<Role, Serialized>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly servers: ServersService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.servers.changes.subscribe(() => this.lists.clear());
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<string> {
    const http = context.switchToHttp();
    const role = http.getRequest<{ user?: AuthUser }>().user?.role;
    http.getResponse<Response>().type('json');
    if (this.config.cache.statusTtlSeconds === 0 || !role)
      return next.handle().pipe(map(serialize));
    const cached = this.lists.get(role);
    if (cached && cached.expiresAt > Date.now()) return of(cached.body);
    return next.handle().pipe(
      map((list) => {
        const body = serialize(list);
        this.lists.set(role, { body, expiresAt: Date.now() + SERVERS_LIST_TTL_MS });
        return body;
      }),
    );
  }
}

function serialize(value: unknown): string {
  return JSON.stringify(value);
}
