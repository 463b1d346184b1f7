import { Injectable } from '@nestjs/common';
import type { ThresholdLevels } from '#config';
import { hasSsh, type ServerRecord } from '#servers';
import { DiskProbe } from '#stats';
import type { PgFailure } from '#target-query';
import { CHECK_IDS, type CheckId } from './catalog.js';
import { judge, type CheckResult, type Measurement, type Unreadable } from './check-result.js';
import { CheckThresholds } from './check-thresholds.js';
import {
  deadTuples,
  duplicateIndexes,
  invalidIndexes,
  sequenceExhaustion,
  unusedIndexes,
} from './evaluate/database-checks.js';
import { diskFree } from './evaluate/disk-check.js';
import {
  checkpointsRequested,
  cacheHitRatio,
  inactiveSlots,
  reachable,
  replicationLag,
  statementsAvailable,
  unreachable,
  xidWraparound,
} from './evaluate/server-checks.js';
import { blockedSessions, connectionsSaturation, sessionAge } from './evaluate/session-checks.js';
import { DatabaseVisitor, visitable, type DatabaseReading } from './reading/database-visitor.js';
import type { Part } from './reading/part.js';
import { ServerReader, type ServerReading } from './reading/server-reader.js';

/** One evaluation of every check on one server. */
export interface Evaluation {
  checkedAt: number;
  results: CheckResult[];
  /** Why the server could not be read at all (every check but server_reachable is unknown). */
  failure: PgFailure | null;
}

type Measurements = Record<CheckId, Measurement | Unreadable>;

/** Evaluates every check on a server: one server-wide reading, then each database in turn. */
@Injectable()
export class ChecksEvaluator {
  constructor(
    private readonly reader: ServerReader,
    private readonly visitor: DatabaseVisitor,
    private readonly disk: DiskProbe,
    private readonly thresholds: CheckThresholds,
  ) {}

  async evaluate(server: ServerRecord): Promise<Evaluation> {
    const checkedAt = Date.now();
    const levels = await this.thresholds.forServer(server);
    const reading = await this.reader.read(server);
    const measurements = reading.ok
      ? await this.measure(server, reading.value, levels)
      : allUnknown(reading.failure);
    const results = CHECK_IDS.map((id) => judge(id, measurements[id], levels[id]));
    return { checkedAt, results, failure: reading.ok ? null : reading.failure };
  }

  private async measure(
    server: ServerRecord,
    reading: ServerReading,
    levels: Record<CheckId, ThresholdLevels>,
  ): Promise<Measurements> {
    const { facts } = reading;
    const databases = reading.databases.ok
      ? await this.visitor.visit(server, visitable(reading.databases.value), facts.version_num)
      : null;
    const sessions = reading.sessions.ok ? reading.sessions.value : null;
    const perDatabase = (evaluate: (readings: DatabaseReading[]) => Measurement | Unreadable) =>
      databases ? evaluate(databases) : unread(reading.databases);
    return {
      server_reachable: reachable(reading.roundTripMs),
      disk_free: await this.diskFree(server, facts.data_directory),
      connections_saturation: connectionsSaturation(facts, sessions),
      long_running_queries: from(reading.sessions, (rows) =>
        sessionAge('long_running_queries', rows, levels.long_running_queries),
      ),
      long_transactions: from(reading.sessions, (rows) =>
        sessionAge('long_transactions', rows, levels.long_transactions),
      ),
      idle_in_transaction: from(reading.sessions, (rows) =>
        sessionAge('idle_in_transaction', rows, levels.idle_in_transaction),
      ),
      blocked_sessions: from(reading.locks, blockedSessions),
      xid_wraparound: from(reading.databases, xidWraparound),
      replication_lag: from(reading.replication, replicationLag),
      inactive_replication_slots: from(reading.slots, inactiveSlots),
      sequence_exhaustion: perDatabase(sequenceExhaustion),
      invalid_indexes: perDatabase(invalidIndexes),
      unused_indexes: perDatabase(unusedIndexes),
      duplicate_indexes: perDatabase(duplicateIndexes),
      dead_tuples: perDatabase(deadTuples),
      cache_hit_ratio: from(reading.databases, cacheHitRatio),
      checkpoints_requested: from(reading.checkpoints, checkpointsRequested),
      statements_available: from(reading.statements, (row) =>
        statementsAvailable(row, server.database),
      ),
    };
  }

  private async diskFree(
    server: ServerRecord,
    directory: string | null,
  ): Promise<Measurement | Unreadable> {
    if (!hasSsh(server))
      return { unknown: 'SSH is not configured for this server (disk space is read over SSH)' };
    if (!directory) {
      return {
        unknown:
          'PostgreSQL did not tell its data directory (the monitoring role needs pg_read_all_settings)',
      };
    }
    return diskFree(directory, await this.disk.read(server, directory));
  }
}

/** The measurement of a part that was read, or unknown with the reason it was not. */
function from<T>(part: Part<T>, evaluate: (value: T) => Measurement): Measurement | Unreadable {
  return part.ok ? evaluate(part.value) : unread(part);
}

function unread(part: { ok: false; reason: string } | { ok: true }): Unreadable {
  return { unknown: part.ok ? 'not read' : part.reason };
}

function allUnknown(failure: PgFailure): Measurements {
  const unknown: Unreadable = { unknown: `The server could not be read: ${failure.message}` };
  const measurements = Object.fromEntries(CHECK_IDS.map((id) => [id, unknown])) as Measurements;
  measurements.server_reachable = unreachable(failure);
  return measurements;
}
