import { Injectable } from '@nestjs/common';
import { parseCookie } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';
import { API_PREFIX } from '../api-aliases.js';

/** The upstream project's cookie name: its web UI relies on the browser sending it back. */
export const REFRESH_COOKIE = 'refresh_token';

/**
 * The refresh token's cookie: httpOnly (no script reads it), SameSite=Strict (no other site's
 * page makes the browser send it), Secure when the request came over HTTPS (directly, or
 * through a proxy trusted with TRUST_PROXY). Path /api: the narrowest one path that reaches
 * both /api/refresh (rotation) and /api/logout (revocation); on /api/refresh alone, a logout
 * could not revoke the session. Upstream uses `/`; no other route needs the cookie.
 */
@Injectable()
export class RefreshCookie {
  read(request: Request): string | undefined {
    const header = request.headers.cookie;
    return header ? parseCookie(header)[REFRESH_COOKIE] : undefined;
  }

  set(request: Request, response: Response, token: string, expiresAt: number): void {
    response.cookie(REFRESH_COOKIE, token, {
      ...this.options(request),
      maxAge: Math.max(0, expiresAt - Date.now()),
    });
  }

  clear(request: Request, response: Response): void {
    response.clearCookie(REFRESH_COOKIE, this.options(request));
  }

  private options(request: Request): CookieOptions {
    return { httpOnly: true, sameSite: 'strict', secure: request.secure, path: API_PREFIX };
  }
}
