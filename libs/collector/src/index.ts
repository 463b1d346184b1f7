export { CollectorRepository } from './collector.repository.js';
export type { Claim, NewSample } from './collector.repository.js';
export { CollectorStatusView } from './collector-status.js';
export { CollectorModule } from './collector.module.js';
export { CollectorService } from './collector.service.js';
export { CollectorStatusService } from './collector-status.service.js';
export { RetentionService } from './retention.service.js';
export type { ServerTask, TaskRun } from './tasks/server-task.js';
export { TaskScheduler } from './tasks/task-scheduler.service.js';
