export { createAppLogger } from './app-logger.js';
export { REDACTED, redact, redactUrl } from './redact.js';
