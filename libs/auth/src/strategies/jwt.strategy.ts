import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '#config';
import type { AuthUser } from '../auth-user.js';
import type { TokenClaims } from '../login/token.service.js';
import { UsersRepository } from '../users/users.repository.js';

/**
 * Verifies the bearer token (HS256 only: `alg: none` and other algorithms are refused; a token
 * without `exp` is refused too, as it would never expire), then loads the user: a deleted or
 * disabled user, another account under the same login, or a token older than the last password
 * change is rejected even while the token has not expired.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every request, which was the most expensive step of a cached GET.
      secretOrKey: createSecretKey(Buffer.from(config.auth.secretKey)) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<TokenClaims>): Promise<AuthUser | false> {
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return false;
    const user = await this.users.findByLogin(claims.sub);
    if (!user?.isActive) return false;
    if (user.accountId !== claims.aid || user.tokenVersion !== claims.ver) return false;
    return { login: user.login, role: user.role };
  }
}
