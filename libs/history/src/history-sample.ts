import type { CounterSample, Counters } from './counters.js';

/** One sample of one database, whatever the source (pgmon's store or the seed's stats_db). */
export interface HistorySample extends CounterSample {
  datname: string;
  numbackends: number;
  sizeBytes: number | null;
}

/**
 * A piece of a timeline bucket: one raw sample, or one hourly rollup row. Pieces with the same
 * bucket and database merge by adding counts and sums and keeping extremes.
 */
export interface BucketPart {
  ts: number;
  datname: string;
  samples: number;
  backendsSum: number;
  backendsMax: number;
  backendsMin: number;
  sizeMax: number | null;
  /** Events in the piece: per-interval differences of the cumulative counters. */
  events: Counters;
}

/** Latest values of one database within the period. */
export interface LatestValues {
  datname: string;
  ts: number;
  numbackends: number;
  sizeBytes: number | null;
}
