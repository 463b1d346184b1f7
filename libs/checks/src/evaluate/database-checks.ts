import { MAX_OBJECTS } from '../catalog.js';
import type { CheckObject, Measurement, Unreadable } from '../check-result.js';
import type { DatabaseReading } from '../reading/database-visitor.js';
import type {
  DeadTuplesRow,
  DuplicateIndexRow,
  IndexRow,
  SequenceRow,
} from '../reading/database-queries.js';
import type { Part } from '../reading/part.js';
import { bytes, count, percent, rounded } from './format.js';

/** The objects one database gave a check, or why that database could not be read. */
interface Gathered {
  objects: CheckObject[];
  /** "db1 (reason)" for each database whose reading failed. */
  unread: string[];
  /** Databases read. */
  read: number;
}

function gather<T>(
  readings: DatabaseReading[],
  pick: (reading: DatabaseReading) => Part<T[]>,
  toObject: (row: T, database: string) => CheckObject,
): Gathered {
  const gathered: Gathered = { objects: [], unread: [], read: 0 };
  for (const reading of readings) {
    const part = pick(reading);
    if (!part.ok) {
      gathered.unread.push(`${reading.database} (${part.reason})`);
      continue;
    }
    gathered.read += 1;
    for (const row of part.value) gathered.objects.push(toObject(row, reading.database));
  }
  return gathered;
}

/** "; not read in 2 databases: a (reason), b (reason)" when some could not be read. */
function unreadNote(gathered: Gathered): string {
  return gathered.unread.length === 0
    ? ''
    : `; not read in ${count(gathered.unread.length, 'database')}: ${gathered.unread.join(', ')}`;
}

/** Unknown when no database could be read (and some should have been). */
function nothingRead(gathered: Gathered, readings: DatabaseReading[]): Unreadable | null {
  return gathered.read === 0 && readings.length > 0
    ? { unknown: `No database could be read: ${gathered.unread.join(', ')}` }
    : null;
}

/** The object with the highest value is the measurement; all are listed, worst first. */
function worstFirst(
  objects: CheckObject[],
  describe: (worst: CheckObject) => string,
  none: string,
  note: string,
): Measurement {
  const sorted = [...objects].sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const [worst] = sorted;
  return {
    value: worst ? worst.value : 0,
    message: (worst ? describe(worst) : none) + note,
    objects: sorted.slice(0, MAX_OBJECTS),
  };
}

function bySizeDesc(a: CheckObject, b: CheckObject): number {
  return Number(b.size_bytes ?? 0) - Number(a.size_bytes ?? 0);
}

/** The sequence closest to its maximum, bounded by its column's type. */
export function sequenceExhaustion(readings: DatabaseReading[]): Measurement | Unreadable {
  const gathered = gather(readings, (r) => r.sequences, sequenceObject);
  const failed = nothingRead(gathered, readings);
  if (failed) return failed;
  const readable = gathered.objects.filter((object) => object.readable === true);
  const hidden = gathered.objects.length - readable.length;
  const hiddenNote =
    hidden === 0
      ? ''
      : `; ${count(hidden, 'sequence')} not readable by the monitoring role (grant pg_read_all_data, 14+, or SELECT on them)`;
  if (readable.length === 0 && hidden > 0)
    return { unknown: `No sequence is readable${hiddenNote}${unreadNote(gathered)}` };
  return worstFirst(
    readable,
    (worst) =>
      `${worst.database}: ${worst.schema}.${worst.sequence} has used ${percent(worst.value ?? 0)} of its range`,
    'No sequence',
    hiddenNote + unreadNote(gathered),
  );
}

function sequenceObject(row: SequenceRow, database: string): CheckObject {
  return {
    database,
    schema: row.schema,
    sequence: row.sequence,
    table: row.table_name,
    column: row.column_name,
    last_value: row.last_value,
    readable: row.readable,
    value: row.used === null ? null : rounded(row.used),
  };
}

function indexObject(row: IndexRow, database: string): CheckObject {
  return {
    database,
    schema: row.schema,
    table: row.table_name,
    index: row.index_name,
    size_bytes: row.size_bytes,
    value: null,
  };
}

/** A count of indexes across databases, largest first. */
function indexCount<T extends IndexRow>(
  readings: DatabaseReading[],
  pick: (reading: DatabaseReading) => Part<T[]>,
  what: string,
  toObject: (row: T, database: string) => CheckObject = indexObject,
): Measurement | Unreadable {
  const gathered = gather(readings, pick, toObject);
  const failed = nothingRead(gathered, readings);
  if (failed) return failed;
  const sorted = gathered.objects.sort(bySizeDesc);
  const size = sorted.reduce((sum, object) => sum + Number(object.size_bytes ?? 0), 0);
  return {
    value: sorted.length,
    message:
      (sorted.length === 0
        ? `No ${what} index in ${count(gathered.read, 'database')}`
        : `${count(sorted.length, `${what} index`, `${what} indexes`)} (${bytes(size)}): ${sorted
            .slice(0, 5)
            .map((object) => `${object.database}: ${object.schema}.${object.index}`)
            .join(', ')}${sorted.length > 5 ? ', ...' : ''}`) + unreadNote(gathered),
    objects: sorted.slice(0, MAX_OBJECTS),
  };
}

export function invalidIndexes(readings: DatabaseReading[]): Measurement | Unreadable {
  return indexCount(readings, (r) => r.invalidIndexes, 'invalid');
}

export function unusedIndexes(readings: DatabaseReading[]): Measurement | Unreadable {
  return indexCount(readings, (r) => r.unusedIndexes, 'unused');
}

export function duplicateIndexes(readings: DatabaseReading[]): Measurement | Unreadable {
  return indexCount(readings, (r) => r.duplicateIndexes, 'redundant', duplicateObject);
}

function duplicateObject(row: DuplicateIndexRow, database: string): CheckObject {
  return { ...indexObject(row, database), covered_by: row.covered_by };
}

/** The table with the largest share of dead rows among those with many. */
export function deadTuples(readings: DatabaseReading[]): Measurement | Unreadable {
  const gathered = gather(readings, (r) => r.deadTuples, deadTuplesObject);
  const failed = nothingRead(gathered, readings);
  if (failed) return failed;
  return worstFirst(
    gathered.objects,
    (worst) =>
      `${worst.database}: ${worst.schema}.${worst.table} is ${percent(worst.value ?? 0)} dead rows (${worst.dead} dead, autovacuum ${worst.autovacuum_enabled ? 'on' : 'off'})`,
    'No table has many dead rows',
    unreadNote(gathered),
  );
}

function deadTuplesObject(row: DeadTuplesRow, database: string): CheckObject {
  return {
    database,
    schema: row.schema,
    table: row.table_name,
    dead: row.dead,
    live: row.live,
    autovacuum_enabled: row.autovacuum_enabled,
    last_vacuum:
      row.last_vacuum_s === null ? null : new Date(row.last_vacuum_s * 1000).toISOString(),
    value: rounded(row.ratio),
  };
}
