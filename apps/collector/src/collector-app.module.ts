import { DynamicModule, Module } from '@nestjs/common';
import { AlertsModule } from '#alerts';
import { ChecksModule } from '#checks';
import { CollectorModule } from '#collector';
import { AppCacheModule } from '#cache';
import { AppConfigModule, type AppConfigModuleOptions } from '#config';
import { InsightModule } from '#insight';
import { MetricsModule } from '#metrics';
import { StoreModule } from '#store';

/** The collector as its own process: no HTTP, same store, same modules as the API's collector. */
@Module({})
export class CollectorAppModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    return {
      module: CollectorAppModule,
      imports: [
        await AppConfigModule.forRoot(options),
        MetricsModule,
        AppCacheModule,
        StoreModule,
        CollectorModule,
        ChecksModule,
        InsightModule,
        AlertsModule,
      ],
    };
  }
}
