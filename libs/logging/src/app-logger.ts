import { ConsoleLogger } from '@nestjs/common';
import type { AppConfig } from '#config';

/** The process logger: LOG_LEVEL picks the levels, LOG_FORMAT=json writes one JSON object per line. */
export function createAppLogger(config: Pick<AppConfig, 'log'>): ConsoleLogger {
  return new ConsoleLogger('pgmon', {
    logLevels: config.log.nestLevels,
    json: config.log.format === 'json',
    colors: config.log.format !== 'json' && process.stdout.isTTY === true,
  });
}
