import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, AuditActor, CurrentUser, Roles, type AuthUser, type RequestActor } from '#auth';
import { parseQueryDate } from '#history';
import { ApiErrors } from '#http';
import { ApiServerName, ServersService } from '#servers';
import {
  LocksService,
  LockTreeView,
  SessionActionDto,
  SessionActionsService,
  SessionActionView,
  SessionPathDto,
  type SessionAction,
} from '#sessions';

const ACTION_DOC =
  'Only the session with this pid and this backend_start is signalled (409 otherwise: a reused pid is never hit). Refused with 403 and the reason for pgmon’s own sessions, walsenders and other non-client backends, autovacuum, superusers’ sessions (unless the caller is admin), and for every session when ACTIONS_ENABLED=false. 502 with the GRANT to run when the monitoring role lacks pg_signal_backend. Every attempt is in the audit log (GET /audit).';

/** The blocking tree and the session actions of one server. */
@ApiTags('sessions')
@ApiAuth()
@Controller('server/:server_name')
export class SessionsController {
  constructor(
    private readonly servers: ServersService,
    private readonly locks: LocksService,
    private readonly actions: SessionActionsService,
  ) {}

  @Get('locks')
  @ApiOperation({
    summary: 'Who blocks whom, live: sessions that block others (roots) and those waiting on them',
  })
  @ApiServerName()
  @ApiOkResponse({ type: LockTreeView })
  @ApiErrors({
    404: 'No such server',
    502: 'PostgreSQL could not be reached; detail says why',
    504: 'PostgreSQL did not answer in time',
  })
  async tree(@Param('server_name') name: string): Promise<LockTreeView> {
    return this.locks.tree(await this.servers.get(name));
  }

  @Post('sessions/:pid/cancel')
  @Roles('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the running query of one session', description: ACTION_DOC })
  @ActionResponses()
  cancel(
    @Param() path: SessionPathDto,
    @Body() body: SessionActionDto,
    @CurrentUser() user: AuthUser,
    @AuditActor() actor: RequestActor,
  ): Promise<SessionActionView> {
    return this.act('cancel', path, body, user, actor);
  }

  @Post('sessions/:pid/terminate')
  @Roles('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Terminate one session (its connection)', description: ACTION_DOC })
  @ActionResponses()
  terminate(
    @Param() path: SessionPathDto,
    @Body() body: SessionActionDto,
    @CurrentUser() user: AuthUser,
    @AuditActor() actor: RequestActor,
  ): Promise<SessionActionView> {
    return this.act('terminate', path, body, user, actor);
  }

  private async act(
    action: SessionAction,
    path: SessionPathDto,
    body: SessionActionDto,
    user: AuthUser,
    actor: RequestActor,
  ): Promise<SessionActionView> {
    const backendStartMs = backendStartOf(body);
    return this.actions.act({
      server: await this.servers.get(path.server_name),
      action,
      pid: path.pid,
      backendStartMs,
      caller: { login: actor.login, role: user.role, clientIp: actor.clientIp },
    });
  }
}

/** The answers both actions share, for OpenAPI. */
function ActionResponses(): MethodDecorator {
  return applyDecorators(
    ApiOkResponse({ type: SessionActionView }),
    ApiErrors({
      404: 'No such server',
      409: 'No session has this pid and backend_start, or it ended first',
      422: 'Bad pid or backend_start',
      502: 'PostgreSQL could not be reached, or the monitoring role lacks pg_signal_backend',
      504: 'PostgreSQL did not answer in time',
    }),
  );
}

/** The instant of backend_start (epoch ms); 422 in the body when it is not an ISO 8601 date. */
function backendStartOf(body: SessionActionDto): number {
  const ms = parseQueryDate(body.backend_start, 'backend_start', 'body');
  if (ms !== undefined) return ms;
  throw new UnprocessableEntityException({
    detail: [{ loc: ['body', 'backend_start'], msg: 'backend_start is required', type: 'missing' }],
  });
}
