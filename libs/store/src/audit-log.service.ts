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
  action: string;
  target: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
}

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
        ...(entry.outcome !== undefined && { outcome: entry.outcome }),
      })
      .execute();
  }

  /** Entries of the period that match the filters, newest first. */
  async search(filter: AuditFilter): Promise<AuditRecord[]> {
    let query = this.store.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor', 'client_ip', 'action', 'target', 'outcome', 'detail'])
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
    return rows.map((row) => ({
      at: Number(row.at),
      actor: row.actor,
      clientIp: row.client_ip,
      action: row.action,
      target: row.target,
      outcome: row.outcome,
      details: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
    }));
  }
}
