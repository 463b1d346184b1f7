import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { containsPattern, StoreService } from '#store';
import type { NewSystemEvent, SystemEvent, SystemEventFilter } from './system-event.js';

const MESSAGE_MAX = 1024;
const DETAILS_MAX = 4000;

/** The system_events table. SQL only. */
@Injectable()
export class SystemEventsRepository {
  constructor(private readonly store: StoreService) {}

  async insert(event: NewSystemEvent, at = Date.now()): Promise<void> {
    await this.store.db
      .insertInto('system_events')
      .values({
        at,
        level: event.level,
        source: event.source,
        message: event.message.slice(0, MESSAGE_MAX),
        details: event.details ? event.details.slice(0, DETAILS_MAX) : null,
      })
      .execute();
  }

  async page(filter: SystemEventFilter): Promise<{ events: SystemEvent[]; total: number }> {
    const matching = this.store.db.selectFrom('system_events').where((eb) => {
      const conditions = [];
      if (filter.level !== undefined) conditions.push(eb('level', '=', filter.level));
      if (filter.source !== undefined) conditions.push(eb('source', '=', filter.source));
      if (filter.start !== undefined) conditions.push(eb('at', '>=', filter.start));
      if (filter.end !== undefined) conditions.push(eb('at', '<=', filter.end));
      if (filter.search) {
        const pattern = containsPattern(filter.search);
        conditions.push(
          eb.or([
            sql<boolean>`lower(message) like ${pattern} escape '!'`,
            sql<boolean>`lower(details) like ${pattern} escape '!'`,
          ]),
        );
      }
      return eb.and(conditions);
    });
    const [counted, rows] = await Promise.all([
      matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      matching
        .select(['at', 'level', 'source', 'message', 'details'])
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute(),
    ]);
    return {
      events: rows.map((row) => ({
        at: Number(row.at),
        level: row.level as SystemEvent['level'],
        source: row.source,
        message: row.message,
        details: row.details,
      })),
      total: Number(counted.n),
    };
  }

  /** Events of a level since `since` (epoch ms), or all events. */
  async count(filter: { level?: string; since?: number } = {}): Promise<number> {
    let query = this.store.db.selectFrom('system_events');
    if (filter.level !== undefined) query = query.where('level', '=', filter.level);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    const row = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    const result = await this.store.db
      .deleteFrom('system_events')
      .where('at', '<', cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
