import { ownerKey } from './statement-deltas.js';
import {
  STATEMENT_COUNTERS,
  entryKey,
  type EntryNames,
  type StatementsReading,
  type Toplevel,
} from './statement-reading.js';

/** One row of the entries statement (rowMode 'array'), in statementsReadingSql's order. */
export type EntryRow = [
  queryid: string | null,
  dbid: number,
  userid: number,
  toplevel: number,
  datname: string | null,
  usename: string | null,
  statsSince: number | null,
  ...counters: (number | null)[],
];

/** pg_stat_statements_info read before the entries: [stats_reset, dealloc]. */
export type InfoRow = [statsReset: number | null, dealloc: number | null];

/** After the entries: [read_at, postmaster_start, stats_reset, dealloc]. */
export type AfterRow = [
  readAt: number,
  postmasterStart: number | null,
  statsReset: number | null,
  dealloc: number | null,
];

/** A reading and the names of its entries' databases and users, by entry key. */
export interface ParsedReading {
  reading: StatementsReading;
  names: Map<string, EntryNames>;
}

/** Builds a reading from the three statements' rows. */
export function parseReading(
  before: InfoRow | undefined,
  rows: EntryRow[],
  after: AfterRow,
  context: { generation: number; level: number },
): ParsedReading {
  const [readAt, postmasterStart, statsReset, dealloc] = after;
  const names = new Map<string, EntryNames>();
  const hidden = new Set<string>();
  const entries: StatementsReading['entries'] = [];
  for (const row of rows) {
    const [queryid, dbid, userid, toplevel, datname, usename, statsSince, ...counters] = row;
    if (queryid === null) {
      // Another user's statement, and pgmon's role may not see which (no pg_read_all_stats).
      hidden.add(ownerKey({ dbid, userid }));
      continue;
    }
    const entry = {
      queryid,
      dbid,
      userid,
      toplevel: toplevel as Toplevel,
      statsSince,
      counters: STATEMENT_COUNTERS.map((_, index) => counters[index] ?? 0),
    };
    entries.push(entry);
    names.set(entryKey(entry), { datname, usename });
  }
  return {
    reading: {
      readAt,
      generation: context.generation,
      level: context.level,
      postmasterStart,
      statsReset,
      dealloc,
      resetDuringRead: (before?.[0] ?? null) !== statsReset,
      entries,
      hiddenOwners: [...hidden],
    },
    names,
  };
}
