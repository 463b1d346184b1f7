import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { AppConfig } from '#config';
import { currentRequestId } from './request-context.js';

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/**
 * The process logger: LOG_LEVEL picks the levels; LOG_FORMAT=json writes one JSON object per
 * line with level, time, context, message and the id of the request being served.
 */
export class AppLogger extends ConsoleLogger {
  private stamp = { second: -1, text: '' };

  /** Nest's timestamp (seconds precision), formatted once per second rather than per line. */
  protected override getTimestamp(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.stamp.second) this.stamp = { second, text: super.getTimestamp() };
    return this.stamp.text;
  }

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
