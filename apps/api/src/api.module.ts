import { CacheModule } from '@nestjs/cache-manager';
import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { CollectorModule } from '#collector';
import { AppConfig, AppConfigModule, type AppConfigModuleOptions } from '#config';
import { HealthModule } from '#health';
import { HistoryModule } from '#history';
import { HttpPipelineModule } from '#http';
import { MetricsModule } from '#metrics';
import { PoolModule } from '#pool';
import { StatsModule } from '#stats';
import { StoreModule } from '#store';

/** The HTTP API process. */
@Module({})
export class ApiModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    return {
      module: ApiModule,
      imports: [
        await AppConfigModule.forRoot(options),
        CacheModule.registerAsync({
          isGlobal: true,
          inject: [AppConfig],
          // The default TTL is the status TTL; SshService passes SSH_CACHE_TTL explicitly.
          useFactory: (config: AppConfig) => ({ ttl: config.cache.statusTtlSeconds * 1000 }),
        }),
        HttpPipelineModule,
        StoreModule,
        AuthModule,
        PoolModule,
        StatsModule,
        HistoryModule,
        CollectorModule,
        MetricsModule,
        HealthModule,
      ],
    };
  }
}
