import { CacheModule } from '@nestjs/cache-manager';
import { AppConfig } from '#config';

/**
 * The process-wide cache (cache-manager, in memory): status entries and the servers list here,
 * disk usage in SshService. Its default TTL is STATUS_CACHE_TTL; SshService passes
 * SSH_CACHE_TTL explicitly. Imported once by each app's root module.
 */
export const StatusCacheModule = CacheModule.registerAsync({
  isGlobal: true,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({ ttl: config.cache.statusTtlSeconds * 1000 }),
});
