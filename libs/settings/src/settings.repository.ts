import { Injectable } from '@nestjs/common';
import { StoreService } from '#store';

/** A value an admin set, as stored. */
export interface StoredSetting {
  key: string;
  value: number;
  updatedAt: number;
  updatedBy: string | null;
}

/** The settings table: only values an admin set are rows. SQL only. */
@Injectable()
export class SettingsRepository {
  constructor(private readonly store: StoreService) {}

  async all(): Promise<StoredSetting[]> {
    const rows = await this.store.db.selectFrom('settings').selectAll().execute();
    return rows.map((row) => ({
      key: row.key,
      value: Number(row.value),
      updatedAt: Number(row.updated_at),
      updatedBy: row.updated_by,
    }));
  }

  /** Writes every value in one transaction. */
  async save(values: Record<string, number>, actor: string, now = Date.now()): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(values)) {
        const row = { value: String(value), updated_at: now, updated_by: actor };
        await trx
          .insertInto('settings')
          .values({ key, ...row })
          .onConflict((oc) => oc.column('key').doUpdateSet(row))
          .execute();
      }
    });
  }
}
