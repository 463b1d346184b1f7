import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Role } from '#auth';
import { AppConfig } from '#config';
import { ServersService } from '#servers';

/** How long the assembled list is reused; each server's entry has its own STATUS_CACHE_TTL. */
export const SERVERS_LIST_TTL_MS = 1000;

/** GET /servers's answer for one role, serialized once. */
export interface SerializedList {
  readonly body: string;
  readonly expiresAt: number;
}

/**
 * GET /servers's answer, serialized once and reused for one second per role (so one role's
 * view never reaches another); a change of any server drops it. A Map rather than
 * cache-manager: a synchronous look-up of a per-process memo of a view derived from the shared
 * status entries, which stay in cache-manager. Off when STATUS_CACHE_TTL is 0.
 */
@Injectable()
export class ServersListMemo implements OnModuleInit, OnModuleDestroy {
  private readonly lists = new Map<Role, SerializedList>();
  /** Roles whose list is being renewed ahead of its expiry. */
  private readonly renewing = new Set<Role>();
  /** Bumped by every server change: a list read before it is not kept. */
  private generation = 0;
  private subscription: Subscription | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly servers: ServersService,
  ) {}

  private get enabled(): boolean {
    return this.config.cache.statusTtlSeconds > 0;
  }

  onModuleInit(): void {
    this.subscription = this.servers.changes.subscribe(() => {
      this.generation += 1;
      this.lists.clear();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The list for this role while it is fresh. */
  get(role: Role): SerializedList | undefined {
    const list = this.lists.get(role);
    return list && list.expiresAt > Date.now() ? list : undefined;
  }

  /**
   * For the fast lane: the list while fresh, renewed in the background (`read`) once in its
   * second half, so that a steady load never meets an expired list and never waits for one.
   */
  getRenewingAhead(role: Role, read: () => Promise<string>): SerializedList | undefined {
    const list = this.get(role);
    if (list && list.expiresAt - Date.now() < SERVERS_LIST_TTL_MS / 2 && !this.renewing.has(role)) {
      this.renewing.add(role);
      const since = this.generation;
      read()
        .then((body) => this.set(role, body, since))
        // The next request that finds the list expired reads it through the controller.
        .catch(() => undefined)
        .finally(() => this.renewing.delete(role));
    }
    return list;
  }

  /** The list's generation now: pass it to `set` with a list read from now on. */
  get current(): number {
    return this.generation;
  }

  /** Keeps a list read since generation `since`, unless a server changed meanwhile. */
  set(role: Role, body: string, since: number): void {
    if (!this.enabled || since !== this.generation) return;
    this.lists.set(role, { body, expiresAt: Date.now() + SERVERS_LIST_TTL_MS });
  }
}
