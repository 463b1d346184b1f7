import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpMetrics } from './http-metrics.js';
import { SeedExceptionFilter } from './seed-exception.filter.js';
import { SeedValidationPipe } from './seed-validation.pipe.js';

/**
 * The HTTP pipeline of the API: validation, the error shape and request metrics. The access log
 * and HttpMetrics are Express middlewares that createApi registers before the body parsers.
 */
@Module({
  providers: [
    { provide: APP_PIPE, useClass: SeedValidationPipe },
    { provide: APP_FILTER, useClass: SeedExceptionFilter },
    HttpMetrics,
  ],
  exports: [HttpMetrics],
})
export class HttpPipelineModule {}
