import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import pg from 'pg';
import { AppConfig } from '#config';
import type { Database } from './schema.js';
import { StoreService } from './store.service.js';

/** What other processes on the same store may need to forget. */
export type StoreTopic = 'users';

const channelOf = (topic: StoreTopic) => `pgmon_${topic}`;
/** Pause before listening again after the listening connection was lost. */
const RELISTEN_MS = 1000;

/**
 * Changes made by other processes on the same store (the CLI, other API replicas), without
 * Redis. PostgreSQL: NOTIFY in the writing transaction, LISTEN on one connection of our own
 * (delivered on commit, to every process, this one included). SQLite: PRAGMA data_version,
 * which moves when another connection committed (SQLite's own change counter; no table read).
 */
@Injectable()
export class StoreChanges implements OnApplicationShutdown {
  private readonly logger = new Logger(StoreChanges.name);
  private readonly listeners = new Map<StoreTopic, ((payload: string) => void)[]>();
  private listening: pg.Client | undefined;
  private dataVersion: number | undefined;
  private stopped = false;

  constructor(
    private readonly store: StoreService,
    private readonly config: AppConfig,
  ) {}

  /** Tells the other processes, once `executor`'s transaction commits. */
  async notify(executor: Transaction<Database>, topic: StoreTopic, payload: string): Promise<void> {
    if (this.store.dialect !== 'postgres') return;
    await sql`select pg_notify(${channelOf(topic)}, ${payload})`.execute(executor);
  }

  /**
   * Calls `listener` with the payload of every notification of the topic (PostgreSQL), and with
   * '' when notifications may have been missed (the listening connection was lost).
   */
  async listen(topic: StoreTopic, listener: (payload: string) => void): Promise<void> {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
    if (this.store.dialect !== 'postgres' || this.listening) return;
    await this.connect();
  }

  /**
   * SQLite: true when another connection committed since the last call (first call: false).
   * Stateful: one caller only (AuthCache).
   */
  changedElsewhere(): boolean {
    const version = this.store.dataVersion();
    if (version === undefined) return false;
    const changed = this.dataVersion !== undefined && version !== this.dataVersion;
    this.dataVersion = version;
    return changed;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listening?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.config.store.kind !== 'postgres') return;
    const client = new pg.Client({
      connectionString: this.config.store.url,
      application_name: 'pgmon-store-listen',
      keepAlive: true,
    });
    this.listening = client;
    client.on('notification', (message) => {
      const topic = message.channel.replace(/^pgmon_/, '') as StoreTopic;
      for (const listener of this.listeners.get(topic) ?? []) listener(message.payload ?? '');
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    for (const topic of this.listeners.keys()) await client.query(`LISTEN ${channelOf(topic)}`);
  }

  /** The listening connection is gone: whatever was missed is unknown, so tell everyone. */
  private lost(client: pg.Client): void {
    if (this.listening !== client || this.stopped) return;
    this.listening = undefined;
    for (const listeners of this.listeners.values()) for (const listener of listeners) listener('');
    const retry = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.logger.warn(
          `Store notifications: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.lost(client);
      });
    }, RELISTEN_MS);
    retry.unref();
  }
}
