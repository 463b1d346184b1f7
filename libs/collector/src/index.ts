export { CollectorRepository } from './collector.repository.js';
export type { Claim, NewSample } from './collector.repository.js';
export { CollectorModule } from './collector.module.js';
export { CollectorService } from './collector.service.js';
export { RetentionService } from './retention.service.js';
