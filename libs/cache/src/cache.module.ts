import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '#config';
import { CacheMetrics } from './cache.metrics.js';

/**
 * The process-wide cache (cache-manager, in memory): status entries, the servers list and SSH
 * disk usage. Its default TTL is STATUS_CACHE_TTL; SSH reads pass SSH_CACHE_TTL. Imported once
 * by each app's root module.
 */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      isGlobal: true,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ttl: config.cache.statusTtlSeconds * 1000 }),
    }),
  ],
  providers: [CacheMetrics],
  exports: [CacheMetrics],
})
export class AppCacheModule {}
