import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { LoginAttemptsService } from '../login/login-attempts.service.js';
import { assertLoginForm } from '../login/login-form.js';
import { clientOf } from '../sessions/client.js';
import { SessionAudit } from '../sessions/session-audit.js';

/**
 * POST /token: refuses malformed forms (422), locked-out addresses and accounts (429), then
 * checks the password through passport-local. A wrong password stays counted as a failure (and
 * is audited as a failed login); an attempt that was never checked (503 when too many logins
 * wait for hashing) is neither.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  constructor(
    private readonly attempts: LoginAttemptsService,
    private readonly audit: SessionAudit,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    assertLoginForm(request.body);
    const { username } = request.body as { username: string };
    const client = clientOf(request);
    const attempt = await this.attempts.begin(username, client.ip ?? 'unknown');
    try {
      await super.canActivate(context);
    } catch (error) {
      if (error instanceof UnauthorizedException) await this.audit.loginFailed(username, client);
      else await this.attempts.abandoned(attempt);
      throw error;
    }
    await this.attempts.succeeded(attempt);
    return true;
  }

  /** Errors other than wrong credentials (a busy hasher, the store) keep their own status. */
  override handleRequest<TUser>(error: unknown, user: unknown): TUser {
    if (error instanceof Error) throw error;
    if (error || !user) throw new UnauthorizedException('Invalid credentials');
    return user as TUser;
  }
}
