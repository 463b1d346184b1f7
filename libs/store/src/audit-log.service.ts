import { Injectable } from '@nestjs/common';
import { redact } from '#logging';
import { StoreService } from './store.service.js';

export interface AuditEntry {
  actor: string | null;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
  clientIp?: string | null;
}

/** Who changed what: user and server changes, logins. Secrets never reach the detail. */
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
      })
      .execute();
  }
}
