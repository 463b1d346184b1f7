import { DynamicModule, Module } from '@nestjs/common';
import { UsersModule } from '#auth';
import { AppConfigModule } from '#config';
import { ServersModule } from '#servers';
import { StoreModule } from '#store';
import { SeedImporter } from './seed-import/seed-importer.js';

/** What the command line needs: configuration, the store, users and servers. No HTTP. */
@Module({})
export class CliModule {
  static async forRoot(): Promise<DynamicModule> {
    return {
      module: CliModule,
      imports: [
        await AppConfigModule.forRoot({ envFile: true }),
        StoreModule,
        UsersModule,
        ServersModule,
      ],
      providers: [SeedImporter],
    };
  }
}
