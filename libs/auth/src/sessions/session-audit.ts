import { Injectable } from '@nestjs/common';
import { AuditLogService, type AuditRecord } from '#store';
import type { ClientInfo } from './client.js';
import type { RefreshRefusal } from './refresh-tokens.js';
import { actionOf, SESSION_ACTION_PREFIX } from './upstream-events.js';

const DAY_MS = 86_400_000;

/** A page of the audit log as the upstream web UI asks for it. */
export interface AuditEventsQuery {
  limit: number;
  offset: number;
  /** Text the user, the one acted on or the client address contains. */
  who?: string;
  /** An upstream event type (login_success, user_create, ...). */
  eventType?: string;
  start?: number;
  end?: number;
}

/** The upstream web UI's counters over the audit log. */
export interface AuditEventStats {
  totalEvents: number;
  loginsToday: number;
  uniqueUsersWeek: number;
  failedTotal: number;
  failedToday: number;
  actionsToday: number;
}

/** Longest login name recorded for a failed attempt (what users tried may be anything). */
const TRIED_LOGIN_MAX = 64;

/**
 * Logins, refreshes and logouts in the audit log, with the client address and user agent
 * (GET /api/audit/sessions). Actions: auth.login (success or failed), auth.refresh (success or
 * refused, with the reason), auth.logout. Also reads the whole log as the upstream web UI pages
 * through it, with its counters.
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

  search(query: AuditEventsQuery): Promise<{ records: AuditRecord[]; total: number }> {
    return this.audit.page({
      limit: query.limit,
      offset: query.offset,
      ...(query.who !== undefined && { who: query.who }),
      ...(query.eventType !== undefined && actionOf(query.eventType)),
      ...(query.start !== undefined && { start: query.start }),
      ...(query.end !== undefined && { end: query.end }),
    });
  }

  /** Counts since midnight UTC (today) and over the last 7 days (unique users). */
  async stats(now = Date.now()): Promise<AuditEventStats> {
    const today = now - (now % DAY_MS);
    const logins = { action: 'auth.login', outcome: 'success' };
    const failures = { action: 'auth.login', outcome: 'failed' };
    const [totalEvents, loginsToday, uniqueUsersWeek, failedTotal, failedToday, actionsToday] =
      await Promise.all([
        this.audit.count({}),
        this.audit.count({ ...logins, since: today }),
        this.audit.count({ ...logins, since: now - 7 * DAY_MS, distinctActors: true }),
        this.audit.count(failures),
        this.audit.count({ ...failures, since: today }),
        this.audit.count({ notPrefix: SESSION_ACTION_PREFIX, since: today }),
      ]);
    return { totalEvents, loginsToday, uniqueUsersWeek, failedTotal, failedToday, actionsToday };
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
