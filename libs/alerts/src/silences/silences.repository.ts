import { Injectable } from '@nestjs/common';
import { StoreService } from '#store';

/** A silence with its server's name (null: every server). */
export interface SilenceRecord {
  id: number;
  serverId: number | null;
  server: string | null;
  checkId: string | null;
  until: number;
  comment: string;
  createdBy: string;
  createdAt: number;
}

export type NewSilence = Omit<SilenceRecord, 'id' | 'server'>;

/** silences: an end time, what it covers (a server, a check, both or neither), who and why. */
@Injectable()
export class SilencesRepository {
  constructor(private readonly store: StoreService) {}

  /** Silences not ended at `now`; of one server (and those of every server) when given. */
  async active(now: number, serverId?: number): Promise<SilenceRecord[]> {
    let query = this.store.db
      .selectFrom('silences')
      .leftJoin('servers', 'servers.id', 'silences.server_id')
      .selectAll('silences')
      .select('servers.name as server_name')
      .where('silences.until', '>', now);
    if (serverId !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('silences.server_id', 'is', null), eb('silences.server_id', '=', serverId)]),
      );
    }
    const rows = await query.orderBy('silences.id', 'desc').execute();
    return rows.map((row) => ({
      id: Number(row.id),
      serverId: row.server_id === null ? null : Number(row.server_id),
      server: row.server_name,
      checkId: row.check_id,
      until: Number(row.until),
      comment: row.comment,
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
    }));
  }

  async insert(silence: NewSilence): Promise<number> {
    const row = await this.store.db
      .insertInto('silences')
      .values({
        server_id: silence.serverId,
        check_id: silence.checkId,
        until: silence.until,
        comment: silence.comment,
        created_by: silence.createdBy,
        created_at: silence.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.store.db
      .deleteFrom('silences')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

/** Whether one of the silences covers the check (of the server they were read for). */
export function covers(silences: SilenceRecord[], check: string): boolean {
  return silences.some((silence) => silence.checkId === null || silence.checkId === check);
}
