import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { StoreService, type Database } from '#store';
import type { Severity } from '../catalog.js';
import type { ChannelRecord, ChannelType, WebhookFormat } from './channel.js';

type ChannelsTable = Database['notification_channels'];
export type NewChannelRow = Omit<Insertable<ChannelsTable>, 'id' | 'created_at' | 'updated_at'>;
export type ChannelRowChanges = Omit<
  Updateable<ChannelsTable>,
  'id' | 'name' | 'type' | 'created_at' | 'updated_at'
>;

/** notification_channels: secrets sealed by the service before they get here. */
@Injectable()
export class ChannelsRepository {
  constructor(private readonly store: StoreService) {}

  async list(): Promise<ChannelRecord[]> {
    const rows = await this.store.db
      .selectFrom('notification_channels')
      .selectAll()
      .orderBy('name')
      .execute();
    return rows.map(toRecord);
  }

  async findByName(name: string): Promise<ChannelRecord | undefined> {
    const row = await this.store.db
      .selectFrom('notification_channels')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async findById(id: number): Promise<ChannelRecord | undefined> {
    const row = await this.store.db
      .selectFrom('notification_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async insert(row: NewChannelRow): Promise<void> {
    const now = Date.now();
    await this.store.db
      .insertInto('notification_channels')
      .values({ ...row, created_at: now, updated_at: now })
      .execute();
  }

  async update(id: number, changes: ChannelRowChanges): Promise<void> {
    await this.store.db
      .updateTable('notification_channels')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Removes the channel and its delivery log. */
  async delete(id: number): Promise<boolean> {
    const result = await this.store.db
      .deleteFrom('notification_channels')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

function toRecord(row: Selectable<ChannelsTable>): ChannelRecord {
  return {
    id: Number(row.id),
    name: row.name,
    type: row.type as ChannelType,
    sealedUrl: row.url,
    sealedSecret: row.secret,
    format: row.format as WebhookFormat | null,
    recipients: row.recipients === null ? null : (JSON.parse(row.recipients) as string[]),
    minSeverity: row.min_severity as Severity,
    sendResolved: Number(row.send_resolved) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
