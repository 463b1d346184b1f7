export {
  AppConfig,
  buildAppConfig,
  nestLogLevels,
  parseCorsOrigins,
  parseTrustProxy,
} from './app-config.js';
export type {
  CollectorSettings,
  InsightSettings,
  PoolProfile,
  SeedLogLevel,
  StoreLocation,
  TargetLimits,
} from './app-config.js';
export { AppConfigModule } from './config.module.js';
export type { AppConfigModuleOptions } from './config.module.js';
export { parseEncryptionKey } from './encryption-key.js';
export type { EncryptionKey } from './encryption-key.js';
export { envSchema, MIN_KEY_BYTES, SEED_DEFAULT_SECRET } from './env.schema.js';
export type { Env } from './env.schema.js';
export { PGMON_VERSION } from './version.js';
