import { Injectable } from '@nestjs/common';
import { AuditLogService } from '#store';
import type { ClientInfo } from './client.js';
import type { RefreshRefusal } from './refresh-tokens.js';

/** Longest login name recorded for a failed attempt (what users tried may be anything). */
const TRIED_LOGIN_MAX = 64;

/**
 * Logins, refreshes and logouts in the audit log, with the client address and user agent
 * (GET /api/audit/sessions). Actions: auth.login (success or failed), auth.refresh (success or
 * refused, with the reason), auth.logout.
 */
@Injectable()
export class SessionAudit {
  constructor(private readonly audit: AuditLogService) {}

  loggedIn(login: string, client: ClientInfo): Promise<void> {
    return this.record('auth.login', login, client);
  }

  /** A wrong login or password: the login tried is the actor. */
  loginFailed(triedLogin: string, client: ClientInfo): Promise<void> {
    return this.record('auth.login', triedLogin.slice(0, TRIED_LOGIN_MAX), client, 'failed');
  }

  refreshed(login: string, client: ClientInfo): Promise<void> {
    return this.record('auth.refresh', login, client);
  }

  refreshRefused(login: string, reason: RefreshRefusal, client: ClientInfo): Promise<void> {
    return this.record('auth.refresh', login, client, 'refused', { reason });
  }

  loggedOut(login: string, client: ClientInfo): Promise<void> {
    return this.record('auth.logout', login, client);
  }

  private record(
    action: string,
    actor: string,
    client: ClientInfo,
    outcome?: string,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      actor,
      action,
      target: actor,
      clientIp: client.ip,
      userAgent: client.userAgent,
      ...(outcome !== undefined && { outcome }),
      ...(detail !== undefined && { detail }),
    });
  }
}
