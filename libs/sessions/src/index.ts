export {
  SessionActionDto,
  SessionActionView,
  SessionPathDto,
  SESSION_ACTIONS,
} from './actions/session-action.dto.js';
export type { SessionAction } from './actions/session-action.dto.js';
export { SessionActionsService } from './actions/session-actions.service.js';
export type { ActionCaller } from './actions/session-actions.service.js';
export { maskPasswords } from './actions/query-digest.js';
export { locksQuery } from './locks/locks-query.js';
export type { LockRow } from './locks/locks-query.js';
export { LockNodeView, LockTreeView, WaitedLockView } from './locks/locks.dto.js';
export { LocksService } from './locks/locks.service.js';
export { SessionsModule } from './sessions.module.js';
