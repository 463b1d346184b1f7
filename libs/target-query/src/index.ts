export { describePgFailure, timeoutFailure } from './pg-failure.js';
export type { PgFailure, PgFailureContext } from './pg-failure.js';
export { TargetFailedError, TargetQuery, unreachable } from './target-query.js';
export type { TargetAnswer, TargetCallOptions } from './target-query.js';
export { TargetQueryModule } from './target-query.module.js';
