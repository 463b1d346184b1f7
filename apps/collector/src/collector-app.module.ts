import { CacheModule } from '@nestjs/cache-manager';
import { DynamicModule, Module } from '@nestjs/common';
import { CollectorModule } from '#collector';
import { AppConfig, AppConfigModule, type AppConfigModuleOptions } from '#config';
import { StoreModule } from '#store';

/** The collector as its own process: no HTTP, same store, same modules as the API's collector. */
@Module({})
export class CollectorAppModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    return {
      module: CollectorAppModule,
      imports: [
        await AppConfigModule.forRoot(options),
        CacheModule.registerAsync({
          isGlobal: true,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ttl: config.cache.statusTtlSeconds * 1000 }),
        }),
        StoreModule,
        CollectorModule,
      ],
    };
  }
}
