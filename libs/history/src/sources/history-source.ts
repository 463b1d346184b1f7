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

/** Samples taken before the period so that its first interval has a predecessor. */
export const LOOKBACK_MS = 3_600_000;
