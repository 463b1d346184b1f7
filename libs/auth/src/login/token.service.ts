import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '#config';
import type { UserRecord } from '../users/user.record.js';

/**
 * Claims of a pgmon access token. `aid` ties the token to the account (a login deleted and
 * created again is another account), `ver` to the account's token version (bumped to revoke).
 */
export interface TokenClaims {
  sub: string;
  role: string;
  aid: string;
  ver: number;
  jti: string;
  iat: number;
  exp: number;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async issue(user: UserRecord): Promise<IssuedToken> {
    const expiresIn = this.config.auth.tokenTtlMinutes * 60;
    const accessToken = await this.jwt.signAsync(
      { sub: user.login, role: user.role, aid: user.accountId, ver: user.tokenVersion },
      { jwtid: randomUUID(), expiresIn, algorithm: 'HS256' },
    );
    return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn };
  }
}
