export { isConnectionBroken } from './broken-connection.js';
export { DeadlineExceededError } from './deadline.js';
export { ResponseTooLargeError } from './frame-guard.js';
export { poolInstanceKey, poolKey } from './pg-target.js';
export type { PgTarget, PoolProfileName, TargetSslMode } from './pg-target.js';
export { PoolHealthIndicator } from './pool.health.js';
export { PoolModule } from './pool.module.js';
export { PoolRegistry } from './pool-registry.js';
export { PoolStatusView } from './pool-status.js';
