import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { redact } from '#logging';
import { StoreService } from './store.service.js';

export interface AuditEntry {
  actor: string | null;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
  clientIp?: string | null;
  /** How the attempt ended; omitted for a change recorded once it succeeded (`success`). */
  outcome?: string;
  /** The client's User-Agent (logins, logouts, refreshes), cut to what the column holds. */
  userAgent?: string | null;
}

/** Which entries to read: a period (epoch ms, inclusive) and optional exact filters. */
export interface AuditFilter {
  start: number;
  end: number;
  actor?: string;
  /** An action name, or a prefix ending in `*` (`session.*`). */
  action?: string;
  limit: number;
}

/** One entry as read back, details parsed. */
export interface AuditRecord {
  at: number;
  actor: string | null;
  clientIp: string | null;
  userAgent: string | null;
  action: string;
  target: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
}

/** A page of entries for clients that page through everything (the upstream web UI). */
export interface AuditPageFilter {
  /** Epoch ms, inclusive; either may be left open. */
  start?: number;
  end?: number;
  /** Text the actor, the target or the client address contains, in any case. */
  who?: string;
  action?: string;
  outcome?: string;
  limit: number;
  offset: number;
}

/** Counts over the log since `since` (epoch ms): actions and outcomes as recorded. */
export interface AuditCount {
  action?: string;
  /** Actions with this prefix excluded (`auth.` leaves the changes people made). */
  notPrefix?: string;
  outcome?: string;
  since?: number;
  /** Count distinct actors instead of entries. */
  distinctActors?: boolean;
}

const USER_AGENT_MAX = 512;

/**
 * Who did what: user and server changes, session actions, logins. Secrets never reach the
 * detail. The one place that writes and reads the audit log.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly store: StoreService) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.store.db
      .insertInto('audit_log')
      .values({
        at: Date.now(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        detail: entry.detail ? JSON.stringify(redact(entry.detail)) : null,
        client_ip: entry.clientIp ?? null,
        user_agent: entry.userAgent ? entry.userAgent.slice(0, USER_AGENT_MAX) : null,
        ...(entry.outcome !== undefined && { outcome: entry.outcome }),
      })
      .execute();
  }

  /** Entries of the period that match the filters, newest first. */
  async search(filter: AuditFilter): Promise<AuditRecord[]> {
    let query = this.store.db
      .selectFrom('audit_log')
      .select(AUDIT_COLUMNS)
      .where('at', '>=', filter.start)
      .where('at', '<=', filter.end);
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.action?.endsWith('*')) {
      // A prefix compared as text: LIKE would need an ESCAPE clause SQLite does not default to.
      const prefix = filter.action.slice(0, -1);
      query = query.where(sql<boolean>`substr(action, 1, ${sql.lit(prefix.length)}) = ${prefix}`);
    } else if (filter.action !== undefined) {
      query = query.where('action', '=', filter.action);
    }
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(toRecord);
  }

  /** One page of the entries that match, newest first, and how many match in all. */
  async page(filter: AuditPageFilter): Promise<{ records: AuditRecord[]; total: number }> {
    const matching = this.store.db.selectFrom('audit_log').where((eb) => {
      const conditions = [];
      if (filter.start !== undefined) conditions.push(eb('at', '>=', filter.start));
      if (filter.end !== undefined) conditions.push(eb('at', '<=', filter.end));
      if (filter.action !== undefined) conditions.push(eb('action', '=', filter.action));
      if (filter.outcome !== undefined) conditions.push(eb('outcome', '=', filter.outcome));
      if (filter.who) {
        const pattern = containsPattern(filter.who);
        conditions.push(
          eb.or([
            sql<boolean>`lower(actor) like ${pattern} escape '!'`,
            sql<boolean>`lower(target) like ${pattern} escape '!'`,
            sql<boolean>`lower(client_ip) like ${pattern} escape '!'`,
          ]),
        );
      }
      return eb.and(conditions);
    });
    const [counted, rows] = await Promise.all([
      matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      matching
        .select(AUDIT_COLUMNS)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute(),
    ]);
    return { records: rows.map(toRecord), total: Number(counted.n) };
  }

  /** How many entries (or distinct actors) match. */
  async count(filter: AuditCount): Promise<number> {
    let query = this.store.db.selectFrom('audit_log');
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.notPrefix !== undefined) {
      const prefix = filter.notPrefix;
      query = query.where(sql<boolean>`substr(action, 1, ${sql.lit(prefix.length)}) <> ${prefix}`);
    }
    const row = await query
      .select((eb) =>
        (filter.distinctActors
          ? eb.fn.count<number>('actor').distinct()
          : eb.fn.countAll<number>()
        ).as('n'),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

const AUDIT_COLUMNS = [
  'id',
  'at',
  'actor',
  'client_ip',
  'user_agent',
  'action',
  'target',
  'outcome',
  'detail',
] as const;

function toRecord(row: {
  at: number;
  actor: string | null;
  client_ip: string | null;
  user_agent: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail: string | null;
}): AuditRecord {
  return {
    at: Number(row.at),
    actor: row.actor,
    clientIp: row.client_ip,
    userAgent: row.user_agent,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    details: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

/** A LIKE pattern (escape character `!`) matching text that contains `text` in lower case. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
