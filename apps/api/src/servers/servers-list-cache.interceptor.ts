import { CallHandler, ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { map, of, type Observable } from 'rxjs';
import type { AuthUser } from '#auth';
import { ServersListMemo } from './servers-list.memo.js';

/**
 * GET /servers answers the memoized list of the caller's role, or serializes and memoizes a
 * fresh one. Runs after the guards, so it never answers an unauthenticated request.
 */
@Injectable()
export class ServersListCacheInterceptor {
  constructor(private readonly memo: ServersListMemo) {}

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<string> {
    const http = context.switchToHttp();
    const role = http.getRequest<{ user?: AuthUser }>().user?.role;
    http.getResponse<Response>().type('json');
    const cached = role && this.memo.get(role);
    if (cached) return of(cached.body);
    const since = this.memo.current;
    return next.handle().pipe(
      map((list) => {
        const body = JSON.stringify(list);
        if (role) this.memo.set(role, body, since);
        return body;
      }),
    );
  }
}
