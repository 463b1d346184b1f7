import {
  ConflictException,
  ForbiddenException,
  type HttpException,
  Injectable,
} from '@nestjs/common';
import type { Role } from '#auth';
import { AppConfig } from '#config';
import type { ServerRecord } from '#servers';
import { AuditLogService } from '#store';
import { TargetQuery, unreachable, type PgFailure } from '#target-query';
import { queryDigest } from './query-digest.js';
import { privilegeError, refusalError } from './refusals.js';
import type { SessionAction, SessionActionView } from './session-action.dto.js';
import { PGMON_APPLICATION_NAME, signalQuery, type SignalRow } from './signal-query.js';

/** Who asks for an action, and with which role (a superuser's session needs an admin). */
export interface ActionCaller {
  login: string;
  role: Role;
  clientIp: string | null;
}

export interface ActionRequest {
  server: ServerRecord;
  action: SessionAction;
  pid: number;
  /** The session's backend_start, epoch milliseconds. */
  backendStartMs: number;
  caller: ActionCaller;
}

/** How an attempt ended, as the audit log records it. */
type Outcome = 'done' | 'refused' | 'no_match' | 'ended' | 'failed';

/**
 * Cancels or terminates one session, only the one with that pid and backend_start, within the
 * policy; every attempt is written to the audit log with what it did to whom.
 */
@Injectable()
export class SessionActionsService {
  constructor(
    private readonly query: TargetQuery,
    private readonly audit: AuditLogService,
    private readonly config: AppConfig,
  ) {}

  async act(request: ActionRequest): Promise<SessionActionView> {
    if (!this.config.actions.enabled) {
      await this.record(request, 'refused', null, { reason: 'actions_disabled' });
      throw new ForbiddenException(
        'Session actions are turned off on this pgmon (ACTIONS_ENABLED=false)',
      );
    }
    const answer = await this.query.rows<SignalRow>(request.server, signalQuery(request.action), [
      request.pid,
      new Date(request.backendStartMs).toISOString(),
      PGMON_APPLICATION_NAME,
      request.caller.role === 'admin',
    ]);
    if (!answer.ok) {
      await this.record(request, 'failed', null, { reason: answer.failure.code });
      throw failureError(request.server, answer.failure);
    }
    return this.conclude(request, answer.value[0]);
  }

  private async conclude(
    request: ActionRequest,
    row: SignalRow | undefined,
  ): Promise<SessionActionView> {
    if (!row) {
      await this.record(request, 'no_match', null);
      throw new ConflictException(
        `No session has pid ${request.pid} and that backend_start: it ended, or the pid now belongs to another session`,
      );
    }
    if (row.refusal) {
      await this.record(request, row.refusal.endsWith('privilege') ? 'failed' : 'refused', row, {
        reason: row.refusal,
      });
      throw refusalError(row.refusal, row, request.server);
    }
    if (!row.signalled) {
      await this.record(request, 'ended', row);
      throw new ConflictException(`Session ${request.pid} ended before it could be signalled`);
    }
    await this.record(request, 'done', row);
    return { pid: request.pid, action: request.action, done: true };
  }

  private async record(
    request: ActionRequest,
    outcome: Outcome,
    row: SignalRow | null,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record({
      actor: request.caller.login,
      clientIp: request.caller.clientIp,
      action: `session.${request.action}`,
      target: request.server.name,
      outcome,
      detail: {
        server: request.server.name,
        pid: request.pid,
        backend_start: new Date(request.backendStartMs).toISOString(),
        usename: row?.usename ?? null,
        datname: row?.datname ?? null,
        backend_type: row?.backend_type ?? null,
        ...queryDigest(row?.query ?? null),
        ...extra,
      },
    });
  }
}

/** A signal refused for want of a right is the monitoring role's problem: 502 with the GRANT. */
function failureError(server: ServerRecord, failure: PgFailure): HttpException {
  return failure.code === 'permission_denied' ? privilegeError(server) : unreachable(failure);
}
