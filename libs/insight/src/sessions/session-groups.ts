/** What GET /server/{name}/activity/history groups sessions by. */
export const GROUP_BYS = [
  'wait_event',
  'state',
  'query',
  'database',
  'user',
  'application',
] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** The key of an empty or missing value (no database for a walsender, no application name). */
const NONE = '(none)';

/**
 * `<wait_event_type>:<wait_event>`; an active session waiting on nothing is on the CPU (or
 * waiting on something PostgreSQL does not instrument); another without a wait event is
 * named by its state.
 */
export function waitEventKey(
  state: string,
  waitEventType: string | null,
  waitEvent: string | null,
): string {
  if (waitEventType && waitEvent) return `${waitEventType}:${waitEvent}`;
  return state === 'active' ? 'CPU' : state;
}

/** A query is grouped by its query_id (PostgreSQL 14+, compute_query_id), else by its text. */
export function queryKey(queryId: string | null, query: string | null): string {
  if (queryId) return queryId;
  return query ? query.slice(0, 200) : NONE;
}

export function nameKey(name: string | null): string {
  return name ? name : NONE;
}

/** Counts of sessions per group in one bucket, and the samples taken in it. */
export interface BucketCounts {
  ts: number;
  samples: number;
  groups: Map<string, number>;
}

export interface GroupTotal {
  key: string;
  samples: number;
  avg_active_sessions: number;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Each group's value per bucket: the average number of its sessions over the bucket's samples. */
export function bucketAverages(bucket: BucketCounts): Record<string, number> {
  const groups: Record<string, number> = {};
  const keys = [...bucket.groups.keys()].sort();
  for (const key of keys)
    groups[key] = bucket.samples > 0 ? round3((bucket.groups.get(key) ?? 0) / bucket.samples) : 0;
  return groups;
}

/** Per group over the period: session samples seen, and the average number of sessions. */
export function groupTotals(buckets: BucketCounts[]): GroupTotal[] {
  const samples = buckets.reduce((sum, bucket) => sum + bucket.samples, 0);
  const seen = new Map<string, number>();
  for (const bucket of buckets)
    for (const [key, count] of bucket.groups) seen.set(key, (seen.get(key) ?? 0) + count);
  return [...seen.entries()]
    .map(([key, count]) => ({
      key,
      samples: count,
      avg_active_sessions: samples > 0 ? round3(count / samples) : 0,
    }))
    .sort((a, b) => b.samples - a.samples || a.key.localeCompare(b.key));
}

/** Microseconds since the epoch as ISO 8601 with the six digits PostgreSQL keeps. */
export function isoMicros(micros: number | null): string | null {
  if (micros === null) return null;
  const millis = Math.floor(micros / 1000);
  const rest = micros - millis * 1000;
  return new Date(millis).toISOString().replace('Z', `${String(rest).padStart(3, '0')}Z`);
}
