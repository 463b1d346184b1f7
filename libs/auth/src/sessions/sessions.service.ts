import { Injectable, UnauthorizedException } from '@nestjs/common';
import { TokenService, type IssuedToken } from '../login/token.service.js';
import type { UserRecord } from '../users/user.record.js';
import type { ClientInfo } from './client.js';
import { RefreshRefusedError, RefreshTokens, type IssuedRefresh } from './refresh-tokens.js';
import { SessionAudit } from './session-audit.js';

/** What a login or a refresh hands out: an access token, and the refresh token for the cookie. */
export interface Session {
  access: IssuedToken;
  refresh: IssuedRefresh;
}

/** The 401 detail of each refusal (the upstream project's wording where it has one). */
const REFUSED: Record<RefreshRefusedError['reason'], string> = {
  unknown: 'Invalid refresh token',
  expired: 'Refresh token expired',
  revoked: 'Refresh token revoked',
  reused: 'Refresh token already used: its session is revoked',
  user: 'Refresh token revoked',
};

/**
 * Sessions of the upstream web UI: a login starts one (access token + refresh token family),
 * each refresh rotates it, a logout ends it; every step is audited with the client.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly tokens: TokenService,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: SessionAudit,
  ) {}

  async start(user: UserRecord, client: ClientInfo): Promise<Session> {
    const [access, refresh] = await Promise.all([
      this.tokens.issue(user),
      this.refreshTokens.issue(user),
    ]);
    await this.audit.loggedIn(user.login, client);
    return { access, refresh };
  }

  /** Rotates the refresh token; 401 when it is missing or refused. */
  async renew(token: string | undefined, client: ClientInfo): Promise<Session> {
    if (!token) throw new UnauthorizedException('Refresh token missing');
    try {
      const { user, refresh } = await this.refreshTokens.rotate(token);
      const access = await this.tokens.issue(user);
      await this.audit.refreshed(user.login, client);
      return { access, refresh };
    } catch (error) {
      if (!(error instanceof RefreshRefusedError)) throw error;
      if (error.login !== null) await this.audit.refreshRefused(error.login, error.reason, client);
      throw new UnauthorizedException(REFUSED[error.reason]);
    }
  }

  /** Revokes the session of the refresh token, if it is one of ours. */
  async end(token: string | undefined, client: ClientInfo): Promise<void> {
    const login = token ? await this.refreshTokens.revoke(token) : null;
    if (login !== null) await this.audit.loggedOut(login, client);
  }
}
