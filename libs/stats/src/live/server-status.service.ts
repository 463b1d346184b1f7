import { randomUUID } from 'node:crypto';
import { coalesceAsync } from '@cacheable/utils';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Subscription } from 'rxjs';
import { CacheMetrics, SharedReads } from '#cache';
import { AppConfig } from '#config';
import { hasSsh, ServersService, type ServerRecord } from '#servers';
import { serverStatusKey } from './cache-keys.js';
import { withDeadline } from './deadline.js';
import { DiskProbe, type DiskReading } from './disk-probe.js';
import { PostgresProbe } from './postgres-probe.js';
import { composeEntry } from './status-entry.factory.js';
import type { StatusEntry } from './status-entry.js';

/**
 * Live status of servers: each server read in parallel under its own deadline, cached
 * STATUS_CACHE_TTL seconds (cache-manager's wrap, refreshed in the background shortly before
 * expiry), and concurrent callers of one server share one read.
 */
@Injectable()
export class ServerStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ServerStatusService.name);
  /** Names this instance's reads in coalesceAsync's process-wide table. */
  private readonly instance = randomUUID();
  /**
   * Last data directory seen per server config, so the disk can still be read while PostgreSQL
   * is down. State rather than a cache: it has no TTL and is only replaced by a newer answer.
   */
  private readonly dataDirectories = new Map<string, string>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly servers: ServersService,
    private readonly postgres: PostgresProbe,
    private readonly disk: DiskProbe,
    private readonly config: AppConfig,
    private readonly metrics: CacheMetrics,
    private readonly shared: SharedReads,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  onModuleInit(): void {
    this.subscription = this.servers.changes.subscribe((change) => {
      this.forgetDataDirectory(change.serverId);
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
   * The server's entry: cached, or from the read in flight for it (here or, with Redis, in
   * another replica), or read now. An entry lives STATUS_CACHE_TTL from the end of its read,
   * wherever it was read; it is read again in the background shortly before it expires.
   */
  async statusOf(server: ServerRecord): Promise<StatusEntry> {
    const key = serverStatusKey(server.id, server.generation);
    const ttlMs = this.config.cache.statusTtlSeconds * 1000;
    let produced: StatusEntry | undefined;
    const ttl = (value: StatusEntry) => Math.max(1, expiresIn(value, ttlMs));
    const read = () => this.sharedRead(server, key);
    const load = async (): Promise<StatusEntry> =>
      (produced = await this.shared.load(
        key,
        (value: StatusEntry) => expiresIn(value, ttlMs) > refreshAhead(value, ttlMs),
        read,
        this.config.targets.statusDeadlineMs + LOCK_MARGIN_MS,
        ttl,
      ));
    const entry =
      ttlMs === 0
        ? await read()
        : await this.cache.wrap(key, load, ttl, (value: StatusEntry) => refreshAhead(value, ttlMs));
    if (ttlMs > 0 && entry !== produced) this.metrics.hit('status');
    else this.metrics.miss('status');
    return entry;
  }

  /** Reads the server now, bypassing every cache (POST /servers/{name}/test and new servers). */
  async freshStatusOf(server: ServerRecord): Promise<StatusEntry> {
    const entry = await this.read(server, true);
    const ttlMs = this.config.cache.statusTtlSeconds * 1000;
    if (ttlMs > 0)
      await this.cache.set(serverStatusKey(server.id, server.generation), entry, ttlMs);
    return entry;
  }

  /**
   * One read per server at a time, whoever asks: wrap() shares concurrent misses, and this also
   * joins a miss to a background refresh still in flight (a slow server is read once, not twice).
   */
  private sharedRead(server: ServerRecord, key: string): Promise<StatusEntry> {
    return coalesceAsync(`${this.instance}:${key}`, () => this.read(server, false));
  }

  private async read(server: ServerRecord, bypassCache: boolean): Promise<StatusEntry> {
    const started = Date.now();
    const deadlineMs = this.config.targets.statusDeadlineMs;
    const directoryKey = `${server.id}@${server.generation}`;
    const known = this.dataDirectories.get(directoryKey);
    const early = known && hasSsh(server) ? this.disk.read(server, known, bypassCache) : undefined;
    const pg = await this.postgres.read(server, { deadlineMs });
    const directory = (pg.ok ? pg.row.data_directory : null) ?? known;
    if (pg.ok && pg.row.data_directory)
      this.dataDirectories.set(directoryKey, pg.row.data_directory);
    const disk = await this.readDisk(
      server,
      directory,
      directory === known ? early : undefined,
      started + deadlineMs,
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
    // The SSH read has its own deadline (SSH_TIMEOUT_MS) and caches what it finds later.
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
}

/** How much longer than a read's deadline another replica waits for it. */
const LOCK_MARGIN_MS = 1000;

/**
 * Margin added to the last read's duration when deciding to refresh ahead of expiry: covers the
 * one second the assembled list is reused, during which nobody asks for the entry.
 */
const REFRESH_MARGIN_MS = 1500;

/** Milliseconds until the entry expires: TTL counted from the end of its read. */
export function expiresIn(entry: StatusEntry, ttlMs: number, now = Date.now()): number {
  return Date.parse(entry.checked_at) + entry.response_ms + ttlMs - now;
}

/** How long before expiry a background read starts: the last read's duration plus a margin. */
export function refreshAhead(entry: StatusEntry, ttlMs: number): number {
  return Math.min(entry.response_ms + Math.min(REFRESH_MARGIN_MS, ttlMs * 0.3), ttlMs * 0.8);
}
