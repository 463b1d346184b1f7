import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { LoginAttemptsService } from '../login/login-attempts.service.js';
import { assertLoginForm } from '../login/login-form.js';

/**
 * POST /token: refuses malformed forms (422), locked-out addresses and accounts (429), then
 * checks the password through passport-local. A wrong password stays counted as a failure; an
 * attempt that was never checked (503 when too many logins wait for hashing) is not.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  constructor(private readonly attempts: LoginAttemptsService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    assertLoginForm(request.body);
    const { username } = request.body as { username: string };
    const attempt = await this.attempts.begin(username, clientAddress(request));
    try {
      await super.canActivate(context);
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) await this.attempts.abandoned(attempt);
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

function clientAddress(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
