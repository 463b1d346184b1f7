import { DynamicModule, Module } from '@nestjs/common';
import { UsersModule } from '#auth';
import { AppConfigModule } from '#config';
import { StoreModule } from '#store';

/** What the command line needs: configuration, the store, users. No HTTP. */
@Module({})
export class CliModule {
  static async forRoot(): Promise<DynamicModule> {
    return {
      module: CliModule,
      imports: [await AppConfigModule.forRoot({ envFile: true }), StoreModule, UsersModule],
    };
  }
}
