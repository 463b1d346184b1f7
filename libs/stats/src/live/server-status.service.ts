import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Subscription } from 'rxjs';
import { ROLES } from '#auth';
import { AppConfig } from '#config';
import { hasSsh, ServersService, type ServerRecord } from '#servers';
import { serversListKey, serverStatusKey } from './cache-keys.js';
import { withDeadline } from './deadline.js';
import { DiskProbe, type DiskReading } from './disk-probe.js';
import { timeoutFailure } from './pg-failure.js';
import { PostgresProbe, type PgReading } from './postgres-probe.js';
import { SingleFlight } from './single-flight.js';
import { composeEntry } from './status-entry.factory.js';
import type { StatusEntry } from './status-entry.js';

/**
 * Live status of servers: each server read in parallel under its own deadline, concurrent
 * requests for one server share one read, results cached STATUS_CACHE_TTL seconds.
 */
@Injectable()
export class ServerStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ServerStatusService.name);
  private readonly reads = new SingleFlight<StatusEntry>();
  /** Last data directory seen per server config, so the disk can be read while PostgreSQL is down. */
  private readonly dataDirectories = new Map<string, string>();
  private subscription: Subscription | undefined;
  /** Status cache hits and misses since start (exported as metrics). */
  readonly cacheCounts = { hits: 0, misses: 0 };

  constructor(
    private readonly servers: ServersService,
    private readonly postgres: PostgresProbe,
    private readonly disk: DiskProbe,
    private readonly config: AppConfig,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  onModuleInit(): void {
    this.subscription = this.servers.changes.subscribe((change) => {
      this.forgetDataDirectory(change.serverId);
      void this.forgetLists();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Every server's entry, ordered by name. */
  async listStatuses(): Promise<StatusEntry[]> {
    const servers = await this.servers.list();
    return Promise.all(servers.map((server) => this.statusOf(server)));
  }

  /**
   * The server's entry: from the cache, or from the read in flight for it, or read now.
   * Concurrent callers share one read. Shortly before an entry expires (sooner for servers that
   * were slow to answer) a read starts in the background; callers arriving after the expiry
   * join that read instead of starting another.
   */
  async statusOf(server: ServerRecord): Promise<StatusEntry> {
    const key = serverStatusKey(server.id, server.generation);
    const ttlMs = this.config.cache.statusTtlSeconds * 1000;
    if (ttlMs === 0) return this.reads.run(key, () => this.read(server, false));
    const cached = await this.cache.get<StatusEntry>(key);
    if (cached && ageOf(cached) < ttlMs) {
      this.cacheCounts.hits += 1;
      if (ttlMs - ageOf(cached) < refreshAhead(cached, ttlMs))
        void this.refresh(server, key, ttlMs);
      return cached;
    }
    this.cacheCounts.misses += 1;
    return this.refresh(server, key, ttlMs);
  }

  private refresh(server: ServerRecord, key: string, ttlMs: number): Promise<StatusEntry> {
    return this.reads.run(key, async () => {
      const entry = await this.read(server, false);
      await this.cache.set(key, entry, ttlMs).catch(() => undefined);
      return entry;
    });
  }

  /** Reads the server now, bypassing every cache (POST /servers/{name}/test and new servers). */
  async freshStatusOf(server: ServerRecord): Promise<StatusEntry> {
    const entry = await this.read(server, true);
    await this.cache.set(
      serverStatusKey(server.id, server.generation),
      entry,
      this.config.cache.statusTtlSeconds * 1000,
    );
    return entry;
  }

  private async read(server: ServerRecord, bypassCache: boolean): Promise<StatusEntry> {
    const started = Date.now();
    const deadlineAt = started + this.config.targets.statusDeadlineMs;
    const directoryKey = `${server.id}@${server.generation}`;
    const known = this.dataDirectories.get(directoryKey);
    const early = known && hasSsh(server) ? this.disk.read(server, known, bypassCache) : undefined;
    const pg = await withDeadline(this.postgres.read(server), deadlineAt - Date.now(), () =>
      timedOut(this.config.targets.statusDeadlineMs),
    );
    const directory = (pg.ok ? pg.row.data_directory : null) ?? known;
    if (pg.ok && pg.row.data_directory)
      this.dataDirectories.set(directoryKey, pg.row.data_directory);
    const disk = await this.readDisk(
      server,
      directory,
      directory === known ? early : undefined,
      deadlineAt,
      bypassCache,
    );
    const entry = composeEntry(server, pg, disk, {
      checkedAt: new Date(started),
      responseMs: Date.now() - started,
    });
    this.logger.debug(`Read ${server.name} in ${entry.response_ms} ms: ${entry.status}`);
    return entry;
  }

  private async readDisk(
    server: ServerRecord,
    directory: string | undefined,
    early: Promise<DiskReading> | undefined,
    deadlineAt: number,
    bypassCache: boolean,
  ): Promise<DiskReading | null> {
    if (!hasSsh(server)) return null;
    if (!directory) {
      return {
        ok: false,
        failure: {
          code: 'data_directory_unknown',
          reason: 'data directory unknown',
          message: 'PostgreSQL did not tell its data directory (needs pg_read_all_settings)',
        },
      };
    }
    const reading = early ?? this.disk.read(server, directory, bypassCache);
    return withDeadline(reading, deadlineAt - Date.now(), () => ({
      ok: false,
      failure: {
        code: 'timeout',
        reason: 'timeout',
        message: 'the disk was not read within the status deadline',
      },
    }));
  }

  private forgetDataDirectory(serverId: number): void {
    for (const key of this.dataDirectories.keys()) {
      if (key.startsWith(`${serverId}@`)) this.dataDirectories.delete(key);
    }
  }

  private async forgetLists(): Promise<void> {
    await Promise.all(ROLES.map((role) => this.cache.del(serversListKey(role))));
  }
}

/**
 * Margin added to the last read's duration when deciding to refresh ahead of expiry: covers the
 * one second the assembled list is reused, during which nobody asks for the entry.
 */
const REFRESH_MARGIN_MS = 1500;

/** How long before expiry a background read starts: the last read's duration plus a margin. */
export function refreshAhead(entry: StatusEntry, ttlMs: number): number {
  return Math.min(entry.response_ms + Math.min(REFRESH_MARGIN_MS, ttlMs * 0.3), ttlMs * 0.8);
}

/** Milliseconds since the entry's read finished. */
export function ageOf(entry: StatusEntry, now = Date.now()): number {
  return now - (Date.parse(entry.checked_at) + entry.response_ms);
}

function timedOut(ms: number): PgReading {
  return { ok: false, failure: timeoutFailure({ timeoutMs: ms }) };
}
