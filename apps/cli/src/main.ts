import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '#config';
import { createAppLogger } from '#logging';
import { CliModule } from './cli.module.js';
import { IMPORT_SEED_USAGE, runImportSeed } from './commands/import-seed.command.js';
import { runServersCommand, SERVERS_USAGE } from './commands/servers.command.js';
import { UsageError } from './commands/usage-error.js';
import { runUserCommand, USER_USAGE } from './commands/user.command.js';

const USAGE = `pgmon command line (npm run pgmon -- <command>)\n\n${USER_USAGE}\n${SERVERS_USAGE}\n${IMPORT_SEED_USAGE}`;

type Command = (
  app: INestApplicationContext,
  args: string[],
) => Promise<{ output: string; ok: boolean }>;

const COMMANDS: Record<string, Command> = {
  user: async (app, args) => ({ output: await runUserCommand(app, args), ok: true }),
  servers: runServersCommand,
  'import-seed': runImportSeed,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(USAGE);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(await CliModule.forRoot(), {
    bufferLogs: true,
  });
  const config = app.get(AppConfig);
  // The command's own output is the point here: only warnings and errors from the services.
  app.useLogger(
    createAppLogger({ log: { ...config.log, nestLevels: ['fatal', 'error', 'warn'] } }),
  );
  await app.init();
  try {
    const result = await command(app, args);
    (result.ok ? console.log : console.error)(result.output);
    return result.ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
