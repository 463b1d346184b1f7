import { Injectable } from '@nestjs/common';
import type { ServerRecord } from '#servers';
import type { CheckResult } from './check-result.js';

/** One evaluation of a server's checks, as stored. */
export interface StoredChecks {
  server: ServerRecord;
  checkedAt: number;
  results: CheckResult[];
  /** False when PostgreSQL could not be read at all (every check but server_reachable is unknown). */
  readable: boolean;
}

/** Work that follows each stored evaluation (the alerts). */
export interface ChecksListener {
  checksStored(checks: StoredChecks): Promise<void>;
}

/**
 * Tells listeners about every evaluation the checks task stored, in the task's run: a
 * listener's work is part of the run (one at a time per server, whichever collector runs it).
 */
@Injectable()
export class CheckResultsFeed {
  private readonly listeners: ChecksListener[] = [];

  subscribe(listener: ChecksListener): void {
    this.listeners.push(listener);
  }

  async publish(checks: StoredChecks): Promise<void> {
    for (const listener of this.listeners) await listener.checksStored(checks);
  }
}
