export { AppLogger, createAppLogger } from './app-logger.js';
export { REDACTED, redact, redactUrl } from './redact.js';
export { currentRequestId, requestContext } from './request-context.js';
export type { RequestContext } from './request-context.js';
