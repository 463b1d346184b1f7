import { Injectable } from '@nestjs/common';
import { TargetQuery, type TargetAnswer } from '#target-query';
import { latestPerDatabase, mergeIntoBuckets, samplesToParts } from '../aggregate.js';
import { COUNTERS, mapCounters } from '../counters.js';
import type { HistorySample } from '../history-sample.js';
import {
  STATS_DB_LOOKBACK_MS,
  type DatabaseInfo,
  type HistoryData,
  type HistoryRequest,
} from './history-source.js';

type SeedRow = Record<(typeof COUNTERS)[number], number> & {
  datid: number;
  datname: string;
  numbackends: number | null;
  stats_reset: number | null;
  db_size: number | null;
  ts: number;
  creation_time: number | null;
};

/** Only columns of the seed's documented schema; counters as float8 so they arrive as numbers. */
const SAMPLES_SQL = `
select p.datid::int8::float8 as datid, p.datname, p.numbackends,
       ${COUNTERS.map((counter) => `coalesce(p.${counter}, 0)::float8 as ${counter}`).join(', ')},
       floor(extract(epoch from p.stats_reset) * 1000)::float8 as stats_reset,
       p.db_size::float8 as db_size,
       floor(extract(epoch from p.ts) * 1000)::float8 as ts,
       floor(extract(epoch from c.creation_time) * 1000)::float8 as creation_time
  from pg_statistics p
  left join db_creation c on c.datname = p.datname
 where p.ts >= to_timestamp($1::float8 / 1000) and p.ts <= to_timestamp($2::float8 / 1000)
   and ($3::text is null or p.datname = $3)
 order by p.datname, p.ts`;

const LAST_UPDATE_SQL = `
select floor(extract(epoch from max(ts)) * 1000)::float8 as last
  from pg_statistics where $1::text is null or datname = $1`;

/**
 * The seed's cron-collected history: `pg_statistics` and `db_creation` in the server's stats_db,
 * read-only, with the same semantics as pgmon's own history (per-interval differences).
 */
@Injectable()
export class StatsDbHistorySource {
  constructor(private readonly query: TargetQuery) {}

  /** The seed's history of the request's period; a failure to read it is an answer too. */
  async read(request: HistoryRequest, deadlineMs: number): Promise<TargetAnswer<HistoryData>> {
    const { server, range, datname } = request;
    if (!server.statsDb) throw new Error(`server ${server.name} has no stats_db`);
    const answer = await this.query.run(
      server,
      async (client) => {
        const rows = await client.query<SeedRow>(SAMPLES_SQL, [
          range.start - STATS_DB_LOOKBACK_MS,
          range.end,
          datname ?? null,
        ]);
        const last = await client.query<{ last: number | null }>(LAST_UPDATE_SQL, [
          datname ?? null,
        ]);
        return { rows: rows.rows, last: last.rows[0]?.last ?? null };
      },
      { database: server.statsDb, profile: 'stats_db', deadlineMs },
    );
    if (!answer.ok) return answer;
    return { ok: true, value: toHistoryData(request, answer.value.rows, answer.value.last) };
  }
}

function toHistoryData(
  request: HistoryRequest,
  rows: SeedRow[],
  lastUpdate: number | null,
): HistoryData {
  const { range } = request;
  const samples = rows.map(toSample);
  const parts = samplesToParts(samples, range.start, range.end);
  return {
    source: 'stats_db',
    lastUpdate,
    databases: databasesOf(rows, range.start),
    timeline: range.aggregation === 'raw' ? parts : mergeIntoBuckets(parts, range.aggregation),
    latest: latestPerDatabase(
      samples.filter((sample) => sample.ts >= range.start),
      range.end,
    ),
  };
}

function toSample(row: SeedRow): HistorySample {
  return {
    datname: row.datname,
    identity: row.datid,
    ts: row.ts,
    numbackends: row.numbackends ?? 0,
    sizeBytes: row.db_size,
    statsReset: row.stats_reset,
    postmasterStart: null,
    creationTime: row.creation_time,
    counters: mapCounters((counter) => row[counter]),
  };
}

function databasesOf(rows: SeedRow[], start: number): DatabaseInfo[] {
  const byName = new Map<string, DatabaseInfo>();
  for (const row of rows) {
    if (row.ts < start) continue;
    byName.set(row.datname, {
      name: row.datname,
      creationTime: row.creation_time,
      firstSeen: null,
    });
  }
  return [...byName.values()];
}
