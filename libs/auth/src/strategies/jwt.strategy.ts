import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '#config';
import type { AuthUser } from '../auth-user.js';
import type { TokenClaims } from '../login/token.service.js';
import { AuthCache } from '../tokens/auth-cache.js';

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Verifies the bearer token (HS256 only: `alg: none` and other algorithms are refused; a token
 * without `exp` is refused too, as it would never expire), then loads the user: a deleted or
 * disabled user, another account under the same login, or a token older than the last password
 * change is rejected even while the token has not expired. A token that passes is remembered
 * (AuthCache), so its next requests skip this strategy.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly cache: AuthCache,
  ) {
    super({
      jwtFromRequest: bearerToken,
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every request, which was the most expensive step of a cached GET.
      secretOrKey: createSecretKey(Buffer.from(config.auth.secretKey)) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(request: Request, claims: Partial<TokenClaims>): Promise<AuthUser | false> {
    const { sub, aid, ver, exp } = claims;
    if (typeof sub !== 'string' || typeof exp !== 'number') return false;
    if (typeof aid !== 'string' || typeof ver !== 'number') return false;
    const user = await this.cache.authorize({ sub, aid, ver, exp });
    if (!user) return false;
    const token = bearerToken(request);
    if (token) this.cache.rememberToken(token, { sub, aid, ver, exp });
    return user;
  }
}

export { bearerToken };
