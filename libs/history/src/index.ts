export { latestPerDatabase, mergeIntoBuckets, samplesToParts } from './aggregate.js';
export { aggregationFor, BUCKET_MS, bucketStart, hourOf } from './buckets.js';
export type { Aggregation } from './buckets.js';
export { COUNTERS, counterDeltas, mapCounters, zeroCounters } from './counters.js';
export type { Counter, CounterSample, Counters } from './counters.js';
export {
  ISO_DATE_PATTERN,
  parsePeriodEnd,
  parseQueryDate,
  QUERY_DATE_PATTERN,
  resolvePeriod,
  resolveRange,
} from './date-range.js';
export type { DateRange, RangeLimits } from './date-range.js';
export type { BucketPart, HistorySample } from './history-sample.js';
export {
  DatabaseHistoryView,
  DatabaseSummaryView,
  HistoryQueryDto,
  ServerHistoryView,
} from './dto/history.dto.js';
export { MAX_DATE_LENGTH, QueryDate } from './dto/history.dto.js';
export { HistoryModule } from './history.module.js';
export { HistoryService } from './history.service.js';
