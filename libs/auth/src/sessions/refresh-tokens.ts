import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';
import { RefreshTokensRepository, type RefreshTokenRow } from './refresh-tokens.repository.js';

/** A refresh token as handed to the client (the store keeps only its hash). */
export interface IssuedRefresh {
  token: string;
  familyId: string;
  expiresAt: number;
}

/** Why a refresh token was refused; `reused` revoked its whole family. */
export type RefreshRefusal = 'unknown' | 'expired' | 'revoked' | 'reused' | 'user';

export class RefreshRefusedError extends Error {
  constructor(
    readonly reason: RefreshRefusal,
    /** The login the token was issued to, when the token was ours. */
    readonly login: string | null,
  ) {
    super(`refresh token refused: ${reason}`);
  }
}

/**
 * Refresh tokens: random, stored as SHA-256 hashes, valid REFRESH_TOKEN_EXPIRE_DAYS from
 * their issue. One family per login; each use rotates to a new token of the family, and a token
 * used once and presented again (stolen and replayed, or replayed by the thief after the owner
 * used it) revokes the whole family. A token also dies with its account's token version, so a
 * password change or disabling the user revokes them all, as for access tokens.
 */
@Injectable()
export class RefreshTokens {
  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  /** A new token of `familyId`, or of a new family (a login). */
  async issue(
    user: UserRecord,
    familyId: string = randomUUID(),
    now = Date.now(),
  ): Promise<IssuedRefresh> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.config.auth.refreshTokenDays * 86_400_000;
    await this.tokens.deleteExpired(now);
    await this.tokens.insert({
      token_hash: hashOf(token),
      family_id: familyId,
      login: user.login,
      account_id: user.accountId,
      token_version: user.tokenVersion,
      issued_at: now,
      expires_at: expiresAt,
      used_at: null,
      revoked_at: null,
    });
    return { token, familyId, expiresAt };
  }

  /** Uses the token once: its user and the family's next token; throws RefreshRefusedError. */
  async rotate(
    token: string,
    now = Date.now(),
  ): Promise<{ user: UserRecord; refresh: IssuedRefresh }> {
    const row = await this.tokens.find(hashOf(token));
    if (!row) throw new RefreshRefusedError('unknown', null);
    if (row.revoked_at !== null) throw new RefreshRefusedError('revoked', row.login);
    if (Number(row.expires_at) <= now) throw new RefreshRefusedError('expired', row.login);
    if (!(await this.tokens.markUsed(row.token_hash, now))) {
      await this.tokens.revokeFamily(row.family_id, now);
      throw new RefreshRefusedError('reused', row.login);
    }
    const user = await this.currentUser(row);
    if (!user) {
      await this.tokens.revokeFamily(row.family_id, now);
      throw new RefreshRefusedError('user', row.login);
    }
    return { user, refresh: await this.issue(user, row.family_id, now) };
  }

  /** Revokes the token's family (logout); returns its login, or null for a token not ours. */
  async revoke(token: string, now = Date.now()): Promise<string | null> {
    const row = await this.tokens.find(hashOf(token));
    if (!row) return null;
    await this.tokens.revokeFamily(row.family_id, now);
    return row.login;
  }

  /** The token's user, if still the same account, active, and its tokens not revoked since. */
  private async currentUser(row: RefreshTokenRow): Promise<UserRecord | undefined> {
    const user = await this.users.findByLogin(row.login);
    const same =
      user?.isActive &&
      user.accountId === row.account_id &&
      user.tokenVersion === Number(row.token_version);
    return same ? user : undefined;
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
