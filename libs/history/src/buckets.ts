/** How a timeline is downsampled, by the length of the requested period. */
export type Aggregation = 'raw' | 'hour' | '4hour' | 'day';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const BUCKET_MS: Record<Exclude<Aggregation, 'raw'>, number> = {
  hour: HOUR_MS,
  '4hour': 4 * HOUR_MS,
  day: DAY_MS,
};

/** raw up to 2 days, hour up to 14 days, 4hour up to 90 days, day beyond (the seed's levels). */
export function aggregationFor(startMs: number, endMs: number): Aggregation {
  const days = (endMs - startMs) / DAY_MS;
  if (days <= 2) return 'raw';
  if (days <= 14) return 'hour';
  if (days <= 90) return '4hour';
  return 'day';
}

/** Start of the UTC-aligned bucket holding `ts` (epoch ms are UTC, so plain arithmetic aligns). */
export function bucketStart(ts: number, aggregation: Aggregation): number {
  if (aggregation === 'raw') return ts;
  const size = BUCKET_MS[aggregation];
  return ts - (((ts % size) + size) % size);
}

export function hourOf(ts: number): number {
  return bucketStart(ts, 'hour');
}
