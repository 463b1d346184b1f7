import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { AppConfig } from '#config';
import type { ServerRecord } from '#servers';
import { TargetQuery, type PgFailureContext } from '#target-query';
import { MIN_DEAD_TUPLES } from '../catalog.js';
import {
  DEAD_TUPLES_SQL,
  duplicateIndexesQuery,
  INVALID_INDEXES_SQL,
  SEQUENCES_SQL,
  UNUSED_INDEXES_SQL,
  type DeadTuplesRow,
  type DuplicateIndexRow,
  type IndexRow,
  type SequenceRow,
} from './database-queries.js';
import { readingDeadlineMs, readPart, type Part } from './part.js';
import type { DatabaseRow } from './server-queries.js';

/** What the per-database checks read in one database. */
export interface DatabaseReading {
  database: string;
  sequences: Part<SequenceRow[]>;
  invalidIndexes: Part<IndexRow[]>;
  unusedIndexes: Part<IndexRow[]>;
  duplicateIndexes: Part<DuplicateIndexRow[]>;
  deadTuples: Part<DeadTuplesRow[]>;
}

/** The databases the per-database checks visit: those that accept connections from pgmon. */
export function visitable(databases: DatabaseRow[]): string[] {
  return databases
    .filter((row) => row.datallowconn && !row.datistemplate && row.can_connect)
    .map((row) => row.datname)
    .sort();
}

/**
 * Visits databases one after another, each on its own connection that is closed right after
 * (a pool per database would keep one connection per database open), each statement under
 * the statement timeout. The next database is read while the previous connection finishes
 * closing, never earlier: a cycle holds at most two connections to the server here.
 */
@Injectable()
export class DatabaseVisitor {
  constructor(
    private readonly query: TargetQuery,
    private readonly config: AppConfig,
  ) {}

  async visit(
    server: ServerRecord,
    databases: string[],
    versionNum: number,
  ): Promise<DatabaseReading[]> {
    const readings: DatabaseReading[] = [];
    let closing: Promise<unknown> = Promise.resolve();
    for (const database of databases) {
      const visit = this.readOne(server, database, versionNum);
      readings.push(await visit.reading);
      await closing;
      closing = visit.closed;
    }
    await closing;
    return readings;
  }

  /** `reading` settles once the database is read, `closed` once its connection is closed too. */
  private readOne(
    server: ServerRecord,
    database: string,
    versionNum: number,
  ): { reading: Promise<DatabaseReading>; closed: Promise<unknown> } {
    const context = this.query.context(server, database);
    let read: (reading: DatabaseReading) => void = () => undefined;
    const readEarly = new Promise<DatabaseReading>((resolve) => (read = resolve));
    const closed = this.query.run(
      server,
      async (client) => {
        const reading = await readDatabase(client, context, database, versionNum);
        read(reading);
        return reading;
      },
      { database, fresh: true, deadlineMs: readingDeadlineMs(this.config.targets) },
    );
    const settled = closed.then((answer) =>
      answer.ok ? answer.value : unreadDatabase(database, answer.failure.message),
    );
    return { reading: Promise.race([readEarly, settled]), closed };
  }
}

async function readDatabase(
  client: ClientBase,
  context: PgFailureContext,
  database: string,
  versionNum: number,
): Promise<DatabaseReading> {
  return {
    database,
    sequences: await readPart<SequenceRow>(client, context, SEQUENCES_SQL),
    invalidIndexes: await readPart<IndexRow>(client, context, INVALID_INDEXES_SQL),
    unusedIndexes: await readPart<IndexRow>(client, context, UNUSED_INDEXES_SQL),
    duplicateIndexes: await readPart<DuplicateIndexRow>(
      client,
      context,
      duplicateIndexesQuery(versionNum),
    ),
    deadTuples: await readPart<DeadTuplesRow>(client, context, DEAD_TUPLES_SQL, [MIN_DEAD_TUPLES]),
  };
}

function unreadDatabase(database: string, reason: string): DatabaseReading {
  const failed = { ok: false as const, reason };
  return {
    database,
    sequences: failed,
    invalidIndexes: failed,
    unusedIndexes: failed,
    duplicateIndexes: failed,
    deadTuples: failed,
  };
}
