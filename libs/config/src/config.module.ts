import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, buildAppConfig } from './app-config.js';
import { envSchema, type Env } from './env.schema.js';

export interface AppConfigModuleOptions {
  /** Read a `.env` file from the working directory (the servers do; tests do not). */
  envFile?: boolean;
}

/**
 * Environment parsed and validated once at boot (a bad value stops the process with a message
 * naming the variable); everything else injects the typed AppConfig.
 */
@Module({})
export class AppConfigModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    const configModule = await ConfigModule.forRoot({
      ignoreEnvFile: !options.envFile,
      validationSchema: envSchema,
    });
    return {
      module: AppConfigModule,
      global: true,
      imports: [configModule],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService<Env, true>) => buildAppConfig(readEnv(config)),
        },
      ],
      exports: [AppConfig],
    };
  }
}

/**
 * ConfigService falls back to the raw process.env for values the schema turned into
 * `undefined` (such as `VAR=`), so the values are parsed once more here; parsing is idempotent.
 */
function readEnv(config: ConfigService<Env, true>): Env {
  const keys = Object.keys(envSchema.shape) as (keyof Env)[];
  return envSchema.parse(
    Object.fromEntries(keys.map((key) => [key, config.get(key, { infer: true })])),
  );
}
