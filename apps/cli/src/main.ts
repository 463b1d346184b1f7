import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '#config';
import { createAppLogger } from '#logging';
import { CliModule } from './cli.module.js';
import { runUserCommand, UsageError, USER_USAGE } from './commands/user.command.js';

const USAGE = `pgmon command line\n\n${USER_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'user') {
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
    console.log(await runUserCommand(app, args));
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(describeFailure(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);

function describeFailure(error: unknown): string {
  return `Error: ${error instanceof Error ? error.message : String(error)}`;
}
