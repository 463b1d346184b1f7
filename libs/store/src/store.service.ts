import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Migrator, sql, type Kysely } from 'kysely';
import { AppConfig } from '#config';
import { redactUrl } from '#logging';
import { StoreMigrations } from './migrations/index.js';
import type { Database, StoreDialect } from './schema.js';
import { openStore } from './store-connection.js';

/** The application's own database (users, servers, history, audit), migrated at start. */
@Injectable()
export class StoreService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StoreService.name);
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** SQLite's data_version, prepared once: it is read on every authenticated request. */
  private readonly dataVersionQuery: { get(): unknown } | undefined;

  constructor(private readonly config: AppConfig) {
    const store = openStore(config.store);
    this.db = store.db;
    this.dialect = store.dialect;
    this.dataVersionQuery = store.sqlite?.prepare('PRAGMA data_version').pluck();
  }

  async onModuleInit(): Promise<void> {
    await this.migrate();
    this.logger.log(`Store ready: ${this.describe()}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
    this.logger.log('Store closed');
  }

  /** A round trip to the store; rejects when it cannot be reached. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** SQLite's PRAGMA data_version (moves when another connection commits); undefined on PostgreSQL. */
  dataVersion(): number | undefined {
    return this.dataVersionQuery?.get() as number | undefined;
  }

  describe(): string {
    const location = this.config.store;
    return location.kind === 'sqlite'
      ? `SQLite ${location.file}`
      : `PostgreSQL ${redactUrl(location.url)}`;
  }

  private async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: new StoreMigrations(this.dialect),
      // Numbers are handed out to pieces of work in parallel, so a store may have run 007
      // before 005 arrives; each migration stands on its own, so run the missing ones.
      allowUnorderedMigrations: true,
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success') this.logger.log(`Applied migration ${result.migrationName}`);
      if (result.status === 'Error') this.logger.error(`Migration ${result.migrationName} failed`);
    }
    if (error instanceof Error) throw error;
    if (error) throw new Error('Store migration failed');
  }
}
