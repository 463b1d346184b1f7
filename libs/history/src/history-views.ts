import type { DateRange } from './date-range.js';
import type {
  DatabaseHistoryView,
  DatabaseSummaryView,
  DatabaseTimelinePoint,
  ServerHistoryView,
  ServerTimelinePoint,
} from './dto/history.dto.js';
import type { BucketPart } from './history-sample.js';
import type { DatabaseInfo, HistoryData } from './sources/history-source.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Names that exist on the server now, or null when it could not be asked. */
export type ExistingDatabases = ReadonlySet<string> | null;

export function serverHistoryView(
  data: HistoryData,
  range: DateRange,
  existing: ExistingDatabases,
): ServerHistoryView {
  return {
    last_stat_update: iso(data.lastUpdate),
    total_connections: sum(data.latest.map((latest) => latest.numbackends)),
    total_size_gb: round(sum(data.latest.map((latest) => latest.sizeBytes ?? 0)) / GIB, 3),
    databases: data.databases.map((database) => databaseRef(database, existing)),
    connection_timeline: data.timeline.map(serverPoint),
    aggregation: range.aggregation,
    source: data.source,
    start_date: new Date(range.start).toISOString(),
    end_date: new Date(range.end).toISOString(),
  };
}

export function databaseHistoryView(
  data: HistoryData,
  range: DateRange,
  existing: ExistingDatabases,
  datname: string,
): DatabaseHistoryView {
  const latest = data.latest[0];
  const points = data.timeline.map(databasePoint);
  return {
    last_stat_update: iso(data.lastUpdate),
    total_connections: latest?.numbackends ?? 0,
    total_commits: sum(data.timeline.map((part) => part.events.xact_commit)),
    total_size_mb: round((latest?.sizeBytes ?? 0) / MIB, 2),
    creation_time: iso(data.databases[0]?.creationTime ?? null),
    max_connections:
      data.timeline.length === 0 ? 0 : Math.max(...data.timeline.map((part) => part.backendsMax)),
    min_connections:
      data.timeline.length === 0 ? 0 : Math.min(...data.timeline.map((part) => part.backendsMin)),
    timeline: points,
    aggregation: range.aggregation,
    source: data.source,
    exists: existsIn(existing, datname),
    start_date: new Date(range.start).toISOString(),
    end_date: new Date(range.end).toISOString(),
  };
}

/** The short summary: latest size and backends, and the commits of the 24 hours in `data`. */
export function databaseSummaryView(
  data: HistoryData,
  existing: ExistingDatabases,
  datname: string,
): DatabaseSummaryView {
  const latest = data.latest[0];
  return {
    size_mb: round((latest?.sizeBytes ?? 0) / MIB, 2),
    connections: latest?.numbackends ?? 0,
    commits: sum(data.timeline.map((part) => part.events.xact_commit)),
    last_update: iso(latest?.ts ?? data.lastUpdate),
    name: datname,
    exists: existsIn(existing, datname),
    creation_time: iso(data.databases[0]?.creationTime ?? null),
    size_bytes: latest?.sizeBytes ?? null,
    source: data.source,
  };
}

function serverPoint(part: BucketPart): ServerTimelinePoint {
  return {
    ts: new Date(part.ts).toISOString(),
    datname: part.datname,
    connections: Math.round(part.backendsSum / part.samples),
    size_gb: part.sizeMax === null ? null : round(part.sizeMax / GIB, 3),
    connections_max: part.backendsMax,
    size_bytes: part.sizeMax,
    commits: part.events.xact_commit,
    rollbacks: part.events.xact_rollback,
  };
}

function databasePoint(part: BucketPart): DatabaseTimelinePoint {
  const reads = part.events.blks_hit + part.events.blks_read;
  return {
    ts: new Date(part.ts).toISOString(),
    connections: Math.round(part.backendsSum / part.samples),
    size_mb: part.sizeMax === null ? null : round(part.sizeMax / MIB, 2),
    commits: part.events.xact_commit,
    connections_max: part.backendsMax,
    connections_min: part.backendsMin,
    rollbacks: part.events.xact_rollback,
    blks_read: part.events.blks_read,
    blks_hit: part.events.blks_hit,
    cache_hit_ratio: reads === 0 ? null : round(part.events.blks_hit / reads, 4),
    tup_returned: part.events.tup_returned,
    tup_fetched: part.events.tup_fetched,
    tup_inserted: part.events.tup_inserted,
    tup_updated: part.events.tup_updated,
    tup_deleted: part.events.tup_deleted,
    temp_files: part.events.temp_files,
    temp_bytes: part.events.temp_bytes,
    deadlocks: part.events.deadlocks,
    size_bytes: part.sizeMax,
    samples: part.samples,
  };
}

function databaseRef(database: DatabaseInfo, existing: ExistingDatabases) {
  return {
    name: database.name,
    exists: existsIn(existing, database.name),
    creation_time: iso(database.creationTime),
    first_seen: iso(database.firstSeen),
  };
}

function existsIn(existing: ExistingDatabases, datname: string): boolean | null {
  return existing === null ? null : existing.has(datname);
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
