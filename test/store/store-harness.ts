/**
 * Store test harness: the same StoreModule and UsersModule the app uses, on a fresh SQLite
 * DATA_DIR or a fresh database of the real `main` PostgreSQL test cluster.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AdminBootstrapService, UsersModule, UsersService } from '#auth';
import { AppConfig, buildAppConfig, envSchema } from '#config';
import { AuditLogService, StoreModule, StoreService } from '#store';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { readTargets } from '../support/targets-info.js';

export type Backend = 'SQLite' | 'PostgreSQL';

/** Every describe block of the store tests runs once per backend. */
export const BACKENDS: readonly Backend[] = ['SQLite', 'PostgreSQL'];

/** Password of the `admin` user the app creates on first start. */
export const ADMIN_PASSWORD = 'bootstrap-admin-password';

/** A real (cost 4, so cheap to check) bcrypt hash of IMPORTED_PASSWORD, as the seed importer passes. */
export const IMPORTED_HASH = '$2b$04$WcEksWFxBY7.vT/TzQM60OyyC.bNEE4fVrUra.xbudW9dfSuFaLc2';
export const IMPORTED_PASSWORD = 'imported password';

/** An empty store location (nothing migrated yet) and the AppConfig pointing at it. */
export interface TestStoreLocation {
  backend: Backend;
  config: AppConfig;
  /** The PostgreSQL database; undefined on SQLite. */
  database: TestDatabase | undefined;
  /** Drops the database / removes DATA_DIR. Close the modules first. */
  dispose(): Promise<void>;
}

export async function createStoreLocation(backend: Backend): Promise<TestStoreLocation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgmon-store-'));
  const database =
    backend === 'PostgreSQL' ? await createDatabase(readTargets().pg.main, 'store') : undefined;
  const config = buildAppConfig(
    envSchema.parse({
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      ADMIN_PASSWORD,
    }),
  );
  return {
    backend,
    config,
    database,
    async dispose() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Stands in for AppConfigModule (global, exports AppConfig) with a ready-made AppConfig. */
@Module({})
class FixedConfigModule {
  static with(config: AppConfig): DynamicModule {
    return {
      module: FixedConfigModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}

export interface RunningStore {
  moduleRef: TestingModule;
  store: StoreService;
  users: UsersService;
  audit: AuditLogService;
  /** Runs the shutdown hooks (StoreService closes its connections). Idempotent. */
  close(): Promise<void>;
}

/** Compiles and initialises the modules: migrations run, then the admin bootstrap. */
export async function startStore(config: AppConfig): Promise<RunningStore> {
  const moduleRef = await Test.createTestingModule({
    imports: [FixedConfigModule.with(config), StoreModule, UsersModule],
    // The API's first-start admin, as the app module (AuthModule) provides it.
    providers: [AdminBootstrapService],
  }).compile();
  await moduleRef.init();
  let closed = false;
  return {
    moduleRef,
    store: moduleRef.get(StoreService),
    users: moduleRef.get(UsersService),
    audit: moduleRef.get(AuditLogService),
    async close() {
      if (closed) return;
      closed = true;
      await moduleRef.close();
    },
  };
}

/** A fresh location with a started store on it, for a describe block's before/after hooks. */
export async function startFreshStore(
  backend: Backend,
): Promise<RunningStore & { location: TestStoreLocation; stop(): Promise<void> }> {
  const location = await createStoreLocation(backend);
  let running: RunningStore;
  try {
    running = await startStore(location.config);
  } catch (error) {
    await location.dispose();
    throw error;
  }
  return {
    ...running,
    location,
    async stop() {
      await running.close();
      await location.dispose();
    },
  };
}
