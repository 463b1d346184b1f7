import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { AppConfigModule, type AppConfigModuleOptions } from '#config';
import { HealthModule } from '#health';
import { HttpPipelineModule } from '#http';
import { StoreModule } from '#store';

/** The HTTP API process. */
@Module({})
export class ApiModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    return {
      module: ApiModule,
      imports: [
        await AppConfigModule.forRoot(options),
        HttpPipelineModule,
        StoreModule,
        AuthModule,
        HealthModule,
      ],
    };
  }
}
