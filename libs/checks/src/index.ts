export { CATALOG, CHECK_IDS, isCheckId, MAX_OBJECTS } from './catalog.js';
export type { CheckDefinition, CheckId, Direction } from './catalog.js';
export { grade, worstOf } from './check-result.js';
export type { CheckObject, CheckResult, CheckStatus } from './check-result.js';
export { CheckResultsFeed } from './check-results.feed.js';
export type { ChecksListener, StoredChecks } from './check-results.feed.js';
export { CheckThresholds } from './check-thresholds.js';
export type {
  LevelPatches,
  StoredLevels,
  StoredLevelsSource,
  ThresholdTable,
} from './check-thresholds.js';
export { ChecksModule } from './checks.module.js';
export { ChecksService } from './checks.service.js';
export {
  CheckResultView,
  FleetEntryView,
  ServerChecksView,
  ThresholdView,
} from './dto/checks.dto.js';
