export {
  AppConfig,
  buildAppConfig,
  nestLogLevels,
  parseCheckThresholds,
  parseCorsOrigins,
  parseTrustProxy,
} from './app-config.js';
export type {
  AlertsSettings,
  ChecksSettings,
  CollectorSettings,
  InsightSettings,
  PoolProfile,
  SeedLogLevel,
  StoreLocation,
  TargetLimits,
  ThresholdLevels,
  ThresholdOverride,
} from './app-config.js';
export { AppConfigModule } from './config.module.js';
export type { AppConfigModuleOptions } from './config.module.js';
export { parseEncryptionKey } from './encryption-key.js';
export type { EncryptionKey } from './encryption-key.js';
export { envSchema, MIN_KEY_BYTES, SEED_DEFAULT_SECRET } from './env.schema.js';
export { ensureDataDir } from './key-files.js';
export type { Env } from './env.schema.js';
export { PGMON_VERSION } from './version.js';
