import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { CollectorModule } from '#collector';
import { AppConfigModule, type AppConfigModuleOptions } from '#config';
import { HealthModule } from '#health';
import { HistoryModule } from '#history';
import { HttpPipelineModule } from '#http';
import { MetricsModule } from '#metrics';
import { PoolModule } from '#pool';
import { StatsModule, StatusCacheModule } from '#stats';
import { StoreModule } from '#store';

/** The HTTP API process. */
@Module({})
export class ApiModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    return {
      module: ApiModule,
      imports: [
        await AppConfigModule.forRoot(options),
        StatusCacheModule,
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
