import type { Keyv } from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '#config';
import { CacheMetrics } from './cache.metrics.js';
import { InvalidationBus } from './invalidation-bus.js';
import { RedisConnection } from './redis-connection.js';
import { SharedReads } from './shared-reads.js';

/**
 * The process-wide cache (cache-manager): status entries, the servers list and SSH disk usage.
 * In memory by default; with REDIS_URL, in Redis (cache-manager's Keyv Redis store), shared by
 * every replica, with SharedReads and InvalidationBus on the same Redis. Its default TTL is
 * STATUS_CACHE_TTL; SSH reads pass SSH_CACHE_TTL. Imported once by each app's root module.
 */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      isGlobal: true,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => ({
        ttl: config.cache.statusTtlSeconds * 1000,
        ...(config.cache.redisUrl && { stores: [await redisStore(config.cache.redisUrl)] }),
      }),
    }),
  ],
  providers: [
    CacheMetrics,
    {
      provide: RedisConnection,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => RedisConnection.create(config),
    },
    SharedReads,
    InvalidationBus,
  ],
  exports: [CacheMetrics, RedisConnection, SharedReads, InvalidationBus],
})
export class AppCacheModule {}

/**
 * Keyv over Redis; a failing Redis makes reads misses and writes no-ops (logged), never errors.
 * The client library is loaded only when REDIS_URL is set.
 */
async function redisStore(url: string): Promise<Keyv> {
  const { default: KeyvRedis, Keyv } = await import('@keyv/redis');
  const logger = new Logger('Redis');
  const store = new KeyvRedis(url, { namespace: 'pgmon', throwOnConnectError: false });
  const keyv = new Keyv({ store, namespace: 'pgmon' });
  let last = 0;
  const report = (error: unknown): void => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn(`Redis cache: ${error instanceof Error ? error.message : String(error)}`);
  };
  keyv.on('error', report);
  store.on('error', report);
  return keyv;
}
