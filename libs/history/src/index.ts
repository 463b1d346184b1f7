export { latestPerDatabase, mergeIntoBuckets, samplesToParts } from './aggregate.js';
export { aggregationFor, bucketStart, hourOf } from './buckets.js';
export type { Aggregation } from './buckets.js';
export { COUNTERS, counterDeltas, mapCounters, zeroCounters } from './counters.js';
export type { Counter, CounterSample, Counters } from './counters.js';
export {
  ISO_DATE_PATTERN,
  parseQueryDate,
  QUERY_DATE_PATTERN,
  resolveRange,
} from './date-range.js';
export type { DateRange } from './date-range.js';
export type { BucketPart, HistorySample } from './history-sample.js';
export {
  DatabaseHistoryView,
  DatabaseSummaryView,
  HistoryQueryDto,
  ServerHistoryView,
} from './dto/history.dto.js';
export { MAX_DATE_LENGTH } from './dto/history.dto.js';
export { HistoryModule } from './history.module.js';
export { HistoryService } from './history.service.js';
