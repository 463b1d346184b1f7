export { CollectorModule } from './collector.module.js';
export { CollectorService } from './collector.service.js';
export { RetentionService } from './retention.service.js';
