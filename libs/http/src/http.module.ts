import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { SeedExceptionFilter } from './seed-exception.filter.js';
import { SeedValidationPipe } from './seed-validation.pipe.js';

/**
 * The HTTP pipeline every app shares: validation and the error shape. The access log is an
 * Express middleware that createApi registers before the body parsers.
 */
@Module({
  providers: [
    { provide: APP_PIPE, useClass: SeedValidationPipe },
    { provide: APP_FILTER, useClass: SeedExceptionFilter },
  ],
})
export class HttpPipelineModule {}
