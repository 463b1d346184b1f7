import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { AppConfig } from '#config';
import { currentRequestId } from './request-context.js';

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/**
 * The process logger: LOG_LEVEL picks the levels; LOG_FORMAT=json writes one JSON object per
 * line with level, time, context, message and the id of the request being served.
 */
export class AppLogger extends ConsoleLogger {
  protected override getJsonLogObject(message: unknown, options: JsonLogOptions) {
    const record = super.getJsonLogObject(message, options);
    const requestId = currentRequestId();
    return {
      time: new Date(record.timestamp).toISOString(),
      ...record,
      ...(requestId !== undefined && { requestId }),
    };
  }
}

export function createAppLogger(config: Pick<AppConfig, 'log'>): AppLogger {
  const json = config.log.format === 'json';
  return new AppLogger('pgmon', {
    logLevels: config.log.nestLevels satisfies LogLevel[],
    json,
    colors: !json && process.stdout.isTTY === true,
  });
}
