export { activityQuery } from './activity/activity-query.js';
export { serversListKey, serverStatusKey } from './live/cache-keys.js';
export { describePgFailure } from './live/pg-failure.js';
export type { PgFailure } from './live/pg-failure.js';
export { ServerStatusService } from './live/server-status.service.js';
export { StatusEntry } from './live/status-entry.js';
export { connectionsByState, STATUS_SQL } from './live/status-query.js';
export { StatsModule } from './stats.module.js';
