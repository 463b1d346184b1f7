import type { Kysely } from 'kysely';
import { COUNTERS, hourOf, mapCounters, type Counters } from '#history';
import type { Database } from '#store';

const MINUTE_MS = 60_000;
const CHUNK = 400;

/**
 * Fills the store with `days` of 1-minute samples for `databases` databases of one server, and
 * the matching hourly rollup, as the collector would have written them (bulk, for speed).
 */
export async function seedHistory(
  db: Kysely<Database>,
  serverId: number,
  databases: number,
  days: number,
  now = Date.now(),
): Promise<number> {
  const start = Math.floor((now - days * 86_400_000) / MINUTE_MS) * MINUTE_MS;
  let rows = 0;
  for (let d = 0; d < databases; d++) {
    const inserted = await db
      .insertInto('monitored_databases')
      .values({
        server_id: serverId,
        datname: `bench_db_${d}`,
        oid: 200_000 + d,
        first_seen_at: start,
        last_seen_at: now,
        creation_time: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    rows += await seedDatabase(db, Number(inserted.id), start, now);
  }
  return rows;
}

async function seedDatabase(
  db: Kysely<Database>,
  databaseId: number,
  start: number,
  end: number,
): Promise<number> {
  const counters = mapCounters(() => 0);
  const hours = new Map<number, HourAccumulator>();
  let batch: Database['db_samples'][] = [];
  let rows = 0;
  for (let ts = start; ts <= end; ts += MINUTE_MS, rows++) {
    const events = mapCounters((counter) =>
      counter === 'deadlocks' ? 0 : 20 + ((ts / MINUTE_MS) % 97),
    );
    for (const counter of COUNTERS) counters[counter] += events[counter];
    const numbackends = 5 + ((ts / MINUTE_MS) % 13);
    const size = (ts / MINUTE_MS) % 10 === 0 ? 1e9 + (ts - start) : null;
    batch.push({
      database_id: databaseId,
      ts,
      numbackends,
      ...counters,
      stats_reset: null,
      postmaster_start: start,
      size_bytes: size,
    });
    accumulate(
      hours,
      hourOf(ts),
      ts,
      numbackends,
      size,
      rows === 0 ? mapCounters(() => 0) : events,
    );
    if (batch.length === CHUNK) {
      await db.insertInto('db_samples').values(batch).execute();
      batch = [];
    }
  }
  if (batch.length > 0) await db.insertInto('db_samples').values(batch).execute();
  const rollups = [...hours.entries()].map(([hour, acc]) => ({
    database_id: databaseId,
    hour,
    ...acc,
  }));
  for (let i = 0; i < rollups.length; i += CHUNK)
    await db
      .insertInto('db_hourly')
      .values(rollups.slice(i, i + CHUNK))
      .execute();
  return rows;
}

type HourAccumulator = Counters & {
  samples: number;
  backends_sum: number;
  backends_max: number;
  backends_min: number;
  size_max: number | null;
  last_ts: number;
};

function accumulate(
  hours: Map<number, HourAccumulator>,
  hour: number,
  ts: number,
  backends: number,
  size: number | null,
  events: Counters,
): void {
  const acc = hours.get(hour) ?? {
    ...mapCounters(() => 0),
    samples: 0,
    backends_sum: 0,
    backends_max: backends,
    backends_min: backends,
    size_max: null,
    last_ts: ts,
  };
  acc.samples += 1;
  acc.backends_sum += backends;
  acc.backends_max = Math.max(acc.backends_max, backends);
  acc.backends_min = Math.min(acc.backends_min, backends);
  acc.size_max = size === null ? acc.size_max : Math.max(acc.size_max ?? 0, size);
  acc.last_ts = ts;
  for (const counter of COUNTERS) acc[counter] += events[counter];
  hours.set(hour, acc);
}
