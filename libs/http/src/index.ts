export type { ErrorBody, ValidationIssue } from './error-body.js';
export { HttpMetrics } from './http-metrics.js';
export { ApiErrors } from './openapi/api-errors.decorator.js';
export type { ErrorDoc, ErrorStatus } from './openapi/api-errors.decorator.js';
export { InternalErrorView } from './openapi/error-views.js';
export { HttpPipelineModule } from './http.module.js';
export {
  describeRequest,
  RequestLogMiddleware,
  requestIdFrom,
  safeUrl,
} from './request-log.middleware.js';
export type { LoggedRequest, RequestWithId } from './request-log.middleware.js';
export { SeedExceptionFilter } from './seed-exception.filter.js';
export {
  exceedsDepth,
  MAX_INPUT_DEPTH,
  SeedValidationPipe,
  toIssues,
} from './seed-validation.pipe.js';
export { IsOmittable, parseWholeNumber, WholeNumber } from './validation/whole-number.js';
