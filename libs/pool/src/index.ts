export { isConnectionBroken } from './broken-connection.js';
export { CleartextPasswordRefusedError, passwordMethodOf } from './closing-client.js';
export type { PasswordMethod } from './closing-client.js';
export { poolInstanceKey, poolKey } from './pg-target.js';
export type { PgTarget, PoolProfileName, TargetSslMode } from './pg-target.js';
export { PoolHealthIndicator } from './pool.health.js';
export { PoolModule } from './pool.module.js';
export { PoolRegistry } from './pool-registry.js';
export { PoolStatusView } from './pool-status.js';
