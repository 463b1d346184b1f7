import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { LoginAttemptsService } from '../login/login-attempts.service.js';
import { assertLoginForm } from '../login/login-form.js';

/**
 * POST /token: refuses locked-out clients (429), malformed forms (422), then checks the
 * password through passport-local; every attempt counts against the client until one succeeds.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  constructor(private readonly attempts: LoginAttemptsService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const client = clientAddress(request);
    this.attempts.assertAllowed(client);
    assertLoginForm(request.body);
    // Counted before the (slow) password check, so parallel guesses cannot outrun the limit;
    // a success clears the record.
    this.attempts.recordFailure(client);
    await super.canActivate(context);
    this.attempts.recordSuccess(client);
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: unknown): TUser {
    if (error || !user) throw new UnauthorizedException('Invalid credentials');
    return user as TUser;
  }
}

function clientAddress(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
