import { bucketStart, type Aggregation } from './buckets.js';
import { COUNTERS, counterDeltas, zeroCounters } from './counters.js';
import type { BucketPart, HistorySample, LatestValues } from './history-sample.js';

/**
 * Turns raw samples (sorted by database, then time; including the sample before `start` so the
 * first interval in the period has a predecessor) into one piece per sample inside [start, end],
 * ordered by time then database. Sizes measured less often than the other columns are carried
 * forward.
 */
export function samplesToParts(samples: HistorySample[], start: number, end: number): BucketPart[] {
  const parts: BucketPart[] = [];
  let previous: HistorySample | undefined;
  let lastSize: number | null = null;
  for (const sample of samples) {
    if (previous?.datname !== sample.datname) {
      previous = undefined;
      lastSize = null;
    }
    const events = counterDeltas(previous, sample) ?? zeroCounters();
    lastSize = sample.sizeBytes ?? (previous?.identity === sample.identity ? lastSize : null);
    if (sample.ts >= start && sample.ts <= end) parts.push(partOf(sample, events, lastSize));
    previous = sample;
  }
  return parts.sort((a, b) => a.ts - b.ts || a.datname.localeCompare(b.datname));
}

function partOf(
  sample: HistorySample,
  events: BucketPart['events'],
  size: number | null,
): BucketPart {
  return {
    ts: sample.ts,
    datname: sample.datname,
    samples: 1,
    backendsSum: sample.numbackends,
    backendsMax: sample.numbackends,
    backendsMin: sample.numbackends,
    sizeMax: size,
    events,
  };
}

/** Merges pieces into UTC-aligned buckets per database, ordered by time then database. */
export function mergeIntoBuckets(parts: BucketPart[], aggregation: Aggregation): BucketPart[] {
  const buckets = new Map<string, BucketPart>();
  for (const part of parts) {
    const ts = bucketStart(part.ts, aggregation);
    const key = `${ts}\u0000${part.datname}`;
    const bucket = buckets.get(key);
    buckets.set(
      key,
      bucket ? mergePart(bucket, part) : { ...part, ts, events: { ...part.events } },
    );
  }
  return [...buckets.values()].sort((a, b) => a.ts - b.ts || a.datname.localeCompare(b.datname));
}

function mergePart(into: BucketPart, part: BucketPart): BucketPart {
  into.samples += part.samples;
  into.backendsSum += part.backendsSum;
  into.backendsMax = Math.max(into.backendsMax, part.backendsMax);
  into.backendsMin = Math.min(into.backendsMin, part.backendsMin);
  into.sizeMax = maxOrNull(into.sizeMax, part.sizeMax);
  for (const counter of COUNTERS) into.events[counter] += part.events[counter];
  return into;
}

/** The last sample inside the period per database, with the last size measured up to then. */
export function latestPerDatabase(samples: HistorySample[], end: number): LatestValues[] {
  const latest = new Map<string, LatestValues>();
  for (const sample of samples) {
    if (sample.ts > end) continue;
    const known = latest.get(sample.datname);
    if (known && known.ts > sample.ts) continue;
    latest.set(sample.datname, {
      datname: sample.datname,
      ts: sample.ts,
      numbackends: sample.numbackends,
      sizeBytes: sample.sizeBytes ?? known?.sizeBytes ?? null,
    });
  }
  return [...latest.values()];
}

export function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
