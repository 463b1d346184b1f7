import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { RequestLogMiddleware } from './request-log.middleware.js';
import { SeedExceptionFilter } from './seed-exception.filter.js';
import { SeedValidationPipe } from './seed-validation.pipe.js';

/** The HTTP pipeline every app shares: validation, error shape, access log. */
@Module({
  providers: [
    { provide: APP_PIPE, useClass: SeedValidationPipe },
    { provide: APP_FILTER, useClass: SeedExceptionFilter },
  ],
})
export class HttpPipelineModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware).forRoutes('*');
  }
}
