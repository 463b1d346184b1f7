import type { ServerRecord } from '#servers';
import type { DateRange } from '../date-range.js';
import type { BucketPart, LatestValues } from '../history-sample.js';

export interface DatabaseInfo {
  name: string;
  /** When the database (its current incarnation) was created, when known. */
  creationTime: number | null;
  /** When pgmon first saw it (null for the seed's stats_db). */
  firstSeen: number | null;
}

/** Everything the history routes show about a period, from one source. */
export interface HistoryData {
  source: 'collector' | 'stats_db';
  /** Time of the newest sample of the server (or of the database), in any period. */
  lastUpdate: number | null;
  databases: DatabaseInfo[];
  /** Timeline buckets (or raw samples) per database, ordered by time then database. */
  timeline: BucketPart[];
  /** Latest values inside the period, per database. */
  latest: LatestValues[];
}

export interface HistoryRequest {
  server: ServerRecord;
  range: DateRange;
  /** Only this database (per-database routes). */
  datname?: string;
}

/**
 * How far before the period the seed's stats_db is read, so that the period's first interval has
 * a predecessor (the seed's cron job sampled every few minutes; its table has no index to find
 * "the sample before" cheaply).
 */
export const STATS_DB_LOOKBACK_MS = 86_400_000;
