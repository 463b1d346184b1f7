import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { AppConfig } from '#config';
import { parseQueryDate } from '#history';
import type { ServerRecord } from '#servers';
import type {
  ActivityHistoryQueryDto,
  ActivityHistoryView,
  ActivitySampleView,
  ActivityTotalView,
} from './dto/session-history.dto.js';
import {
  bucketAverages,
  groupTotals,
  isoMicros,
  nameKey,
  queryKey,
  waitEventKey,
  type BucketCounts,
  type GroupBy,
} from './session-groups.js';
import { recentRange } from '../period-query.dto.js';
import { SessionsStore, type BackendNames, type GroupCount } from './sessions.store.js';

/** GET /server/{name}/activity/history and /activity/at, from the store only. */
@Injectable()
export class SessionHistoryService {
  constructor(
    private readonly store: SessionsStore,
    private readonly config: AppConfig,
  ) {}

  async history(
    server: ServerRecord,
    query: ActivityHistoryQueryDto,
  ): Promise<ActivityHistoryView> {
    const range = recentRange(
      query,
      this.config.insight.activityRetentionDays,
      'ACTIVITY_RETENTION_DAYS',
    );
    const groupBy = query.group_by ?? 'wait_event';
    const [samples, counts] = await Promise.all([
      this.store.samplesPerBucket(server.id, range.start, range.end, range.aggregation),
      this.store.groupCounts(server.id, range.start, range.end, range.aggregation, groupBy),
    ]);
    const keyOf = await this.keying(groupBy, counts);
    const buckets = toBuckets(samples, counts, keyOf);
    return {
      server: server.name,
      sample_interval_s: this.config.insight.activitySampleIntervalSeconds,
      aggregation: range.aggregation,
      group_by: groupBy,
      start_date: new Date(range.start).toISOString(),
      end_date: new Date(range.end).toISOString(),
      samples: buckets.reduce((sum, bucket) => sum + bucket.samples, 0),
      buckets: buckets.map((bucket) => ({
        ts: new Date(bucket.ts).toISOString(),
        groups: bucketAverages(bucket),
      })),
      totals: await this.totals(groupBy, buckets, counts),
    };
  }

  /** The sample nearest to `ts`, at most two sample intervals away; 404 otherwise. */
  async at(server: ServerRecord, tsText: string): Promise<ActivitySampleView> {
    const ts = requiredDate(tsText, 'ts');
    const intervalMs = this.config.insight.activitySampleIntervalSeconds * 1000;
    const sample = await this.store.nearestSample(server.id, ts, 2 * intervalMs);
    if (!sample) {
      throw new NotFoundException(
        `No session sample of server ${server.name} within ${(2 * intervalMs) / 1000} s of ${new Date(ts).toISOString()}`,
      );
    }
    const sessions = await this.store.sessions(sample.id);
    return {
      server: server.name,
      sampled_at: new Date(sample.ts).toISOString(),
      sample_interval_s: this.config.insight.activitySampleIntervalSeconds,
      sessions_seen: sample.sessions,
      sessions: sessions.map((session) => ({
        pid: session.pid,
        backend_start: isoMicros(session.backend_start_us) ?? '',
        usename: session.usename,
        datname: session.datname,
        application_name: session.application_name,
        client_addr: session.client_addr,
        state: session.state,
        wait_event_type: session.wait_event_type,
        wait_event: session.wait_event,
        query_id: session.query_id,
        query: session.query,
        query_start: isoMicros(session.query_start_us),
        xact_start: isoMicros(session.xact_start_us),
        backend_type: session.backend_type,
        blocked_by: session.blocked_by ? session.blocked_by.split(',').map(Number) : [],
      })),
    };
  }

  /** How a stored group (its columns) becomes a key; queries need their texts first. */
  private async keying(
    groupBy: GroupBy,
    counts: GroupCount[],
  ): Promise<(parts: (string | null)[]) => string> {
    switch (groupBy) {
      case 'wait_event':
        return ([state, type, event]) => waitEventKey(state ?? '', type ?? null, event ?? null);
      case 'state':
        return ([state]) => nameKey(state ?? null);
      case 'query': {
        const queries = await this.store.queries(refs(counts));
        return ([ref]) => {
          const query = queries.get(Number(ref));
          return queryKey(query?.query_id ?? null, query?.query ?? null);
        };
      }
      default: {
        const field = NAME_FIELD[groupBy];
        const backends = await this.store.backendNames(refs(counts));
        return ([id]) => nameKey(backends.get(Number(id))?.[field] ?? null);
      }
    }
  }

  private async totals(
    groupBy: GroupBy,
    buckets: BucketCounts[],
    counts: GroupCount[],
  ): Promise<ActivityTotalView[]> {
    const totals = groupTotals(buckets);
    if (groupBy !== 'query') return totals;
    const queries = await this.store.queries(refs(counts));
    const textByKey = new Map<string, string>();
    for (const query of queries.values())
      textByKey.set(queryKey(query.query_id, query.query), query.query);
    return totals.map((total) => {
      const text = textByKey.get(total.key);
      return text === undefined ? total : { ...total, query: text };
    });
  }
}

/** Which backend field names a group. */
const NAME_FIELD = {
  database: 'datname',
  user: 'usename',
  application: 'application_name',
} as const satisfies Record<string, keyof BackendNames>;

/** The distinct ids a grouping by one reference column (query, backend) found. */
function refs(counts: GroupCount[]): number[] {
  return [...new Set(counts.flatMap((count) => (count.parts[0] ? [Number(count.parts[0])] : [])))];
}

/** Buckets in time order, each with its samples and its sessions per key. */
function toBuckets(
  samples: Map<number, number>,
  counts: GroupCount[],
  keyOf: (parts: (string | null)[]) => string,
): BucketCounts[] {
  const buckets = new Map<number, BucketCounts>();
  for (const [ts, taken] of samples) buckets.set(ts, { ts, samples: taken, groups: new Map() });
  for (const count of counts) {
    const bucket = buckets.get(count.bucket);
    if (!bucket) continue;
    const key = keyOf(count.parts);
    bucket.groups.set(key, (bucket.groups.get(key) ?? 0) + count.sessions);
  }
  return [...buckets.values()].sort((a, b) => a.ts - b.ts);
}

/** A date the route cannot do without: 422 when it is missing or not ISO 8601. */
function requiredDate(text: string, parameter: string): number {
  const ms = parseQueryDate(text, parameter);
  if (ms !== undefined) return ms;
  throw new UnprocessableEntityException({
    detail: [{ loc: ['query', parameter], msg: `${parameter} is required`, type: 'missing' }],
  });
}
