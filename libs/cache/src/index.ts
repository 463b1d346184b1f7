export { AppCacheModule } from './cache.module.js';
export { CacheMetrics } from './cache.metrics.js';
export type { CacheName } from './cache.metrics.js';
