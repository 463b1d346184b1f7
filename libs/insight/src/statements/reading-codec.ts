import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  STATEMENT_COUNTERS,
  type StatementEntry,
  type StatementsReading,
  type Toplevel,
} from './statement-reading.js';

/** Bumped when the layout changes: an older blob is then not read (a new baseline starts). */
const FORMAT = 1;
/** Per entry: queryid (high and low 32 bits), dbid, userid, toplevel, stats_since, counters. */
const FIELDS = 6 + STATEMENT_COUNTERS.length;
const TWO_32 = 2n ** 32n;

type Header = Omit<StatementsReading, 'entries' | 'resetDuringRead'> & {
  format: number;
  n: number;
};

/**
 * The last reading of a server, kept in the store so that the next reading (by any collector
 * process, after a restart too) is differenced against it: a JSON header and one float64 array
 * of every entry (exact: queryid is split into two 32-bit halves), deflated. 5,000 entries take
 * about 0.3 MB.
 */
export function encodeReading(reading: StatementsReading): Buffer {
  const header: Header = {
    format: FORMAT,
    n: reading.entries.length,
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
  const body = new Float64Array(header.n * FIELDS);
  new Uint8Array(body.buffer).set(
    bytes.subarray(4 + headerLength, 4 + headerLength + body.byteLength),
  );
  const entries: StatementEntry[] = new Array<StatementEntry>(header.n);
  for (let index = 0; index < header.n; index++) entries[index] = readEntry(body, index * FIELDS);
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
  const queryid = BigInt.asUintN(64, BigInt(entry.queryid));
  body[at] = Number(queryid / TWO_32);
  body[at + 1] = Number(queryid % TWO_32);
  body[at + 2] = entry.dbid;
  body[at + 3] = entry.userid;
  body[at + 4] = entry.toplevel;
  body[at + 5] = entry.statsSince ?? NaN;
  body.set(entry.counters, at + 6);
}

function readEntry(body: Float64Array, at: number): StatementEntry {
  const unsigned = BigInt(body[at] ?? 0) * TWO_32 + BigInt(body[at + 1] ?? 0);
  const since = body[at + 5] ?? NaN;
  return {
    queryid: BigInt.asIntN(64, unsigned).toString(),
    dbid: body[at + 2] ?? 0,
    userid: body[at + 3] ?? 0,
    toplevel: (body[at + 4] ?? 2) as Toplevel,
    statsSince: Number.isNaN(since) ? null : since,
    counters: Array.from(body.subarray(at + 6, at + FIELDS)),
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
