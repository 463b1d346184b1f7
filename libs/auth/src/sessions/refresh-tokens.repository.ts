import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { StoreService, type RefreshTokensTable } from '#store';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

/** The refresh_tokens table (hashes only). SQL only; rules live in RefreshTokens. */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly store: StoreService) {}

  async insert(row: RefreshTokenRow): Promise<void> {
    await this.store.db.insertInto('refresh_tokens').values(row).execute();
  }

  async find(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.store.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /**
   * Marks the token used if it is still unused and not revoked; false when another request
   * used it first (or it was revoked meanwhile). The condition makes two uses race to one.
   */
  async markUsed(tokenHash: string, now: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeFamily(familyId: string, now: number): Promise<void> {
    await this.store.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Tokens past their expiry are useless, reuse detection included: they go. */
  async deleteExpired(now: number): Promise<void> {
    await this.store.db.deleteFrom('refresh_tokens').where('expires_at', '<', now).execute();
  }
}
