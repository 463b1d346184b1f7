export { AppCacheModule } from './cache.module.js';
export { CacheMetrics } from './cache.metrics.js';
export type { CacheName } from './cache.metrics.js';
export { InvalidationBus } from './invalidation-bus.js';
export type { InvalidationChannel } from './invalidation-bus.js';
export { RedisConnection } from './redis-connection.js';
export { SharedReads } from './shared-reads.js';
