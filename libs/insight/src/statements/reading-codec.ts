import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  STATEMENT_COUNTERS,
  type StatementEntry,
  type StatementsReading,
  type Toplevel,
} from './statement-reading.js';

/** Bumped when the layout changes: an older blob is then not read (a new baseline starts). */
const FORMAT = 2;
const COUNTERS = STATEMENT_COUNTERS.length;
/** Per entry in the body: dbid, userid, toplevel, stats_since, counters (queryids: header). */
const FIELDS = 4 + COUNTERS;

type Header = Omit<StatementsReading, 'entries' | 'resetDuringRead'> & {
  format: number;
  queryids: string[];
};

/**
 * The last reading of a server, kept in the store so that the next reading (by any collector
 * process, after a restart too) is differenced against it: a JSON header (with the queryids, as
 * text: exact) and one float64 array of every entry's numbers, deflated. 5,000 entries take
 * about 0.3 MB.
 */
export function encodeReading(reading: StatementsReading): Buffer {
  const header: Header = {
    format: FORMAT,
    queryids: reading.entries.map((entry) => entry.queryid),
    readAt: reading.readAt,
    generation: reading.generation,
    level: reading.level,
    postmasterStart: reading.postmasterStart,
    statsReset: reading.statsReset,
    dealloc: reading.dealloc,
    hiddenOwners: reading.hiddenOwners,
  };
  const body = new Float64Array(reading.entries.length * FIELDS);
  reading.entries.forEach((entry, index) => writeEntry(body, index * FIELDS, entry));
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return deflateRawSync(Buffer.concat([length, headerBytes, Buffer.from(body.buffer)]), {
    level: 1,
  });
}

/** The reading back, or undefined when the blob is of another format (or damaged). */
export function decodeReading(blob: Uint8Array): StatementsReading | undefined {
  let bytes: Buffer;
  try {
    bytes = inflateRawSync(blob);
  } catch (error) {
    if (isZlibError(error)) return undefined;
    throw error;
  }
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString()) as Header;
  if (header.format !== FORMAT) return undefined;
  const body = new Float64Array(header.queryids.length * FIELDS);
  new Uint8Array(body.buffer).set(
    bytes.subarray(4 + headerLength, 4 + headerLength + body.byteLength),
  );
  const entries = header.queryids.map((queryid, index) => readEntry(queryid, body, index * FIELDS));
  return {
    readAt: header.readAt,
    generation: header.generation,
    level: header.level,
    postmasterStart: header.postmasterStart,
    statsReset: header.statsReset,
    dealloc: header.dealloc,
    hiddenOwners: header.hiddenOwners,
    resetDuringRead: false,
    entries,
  };
}

function writeEntry(body: Float64Array, at: number, entry: StatementEntry): void {
  body[at] = entry.dbid;
  body[at + 1] = entry.userid;
  body[at + 2] = entry.toplevel;
  body[at + 3] = entry.statsSince ?? NaN;
  body.set(entry.counters, at + 4);
}

function readEntry(queryid: string, body: Float64Array, at: number): StatementEntry {
  const since = body[at + 3] ?? NaN;
  const counters = new Array<number>(COUNTERS);
  for (let index = 0; index < COUNTERS; index++) counters[index] = body[at + 4 + index] ?? 0;
  return {
    queryid,
    dbid: body[at] ?? 0,
    userid: body[at + 1] ?? 0,
    toplevel: (body[at + 2] ?? 2) as Toplevel,
    statsSince: Number.isNaN(since) ? null : since,
    counters,
  };
}

function isZlibError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('Z_')
  );
}
