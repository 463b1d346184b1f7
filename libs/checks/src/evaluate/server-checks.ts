import type { PgFailure } from '#target-query';
import { MAX_OBJECTS, MIN_BLOCK_ACCESSES, MIN_CHECKPOINTS } from '../catalog.js';
import type { CheckObject, Measurement } from '../check-result.js';
import type { ReplicationReading } from '../reading/server-reader.js';
import type {
  CheckpointsRow,
  DatabaseRow,
  SlotRow,
  StatementsRow,
} from '../reading/server-queries.js';
import { bytes, count, percent, rounded } from './format.js';

/** Transaction IDs are 32 bits; PostgreSQL stops assigning them near 2^31 of age. */
export const XID_LIMIT = 2 ** 31;

export function reachable(roundTripMs: number): Measurement {
  return { value: roundTripMs, message: `PostgreSQL answered in ${roundTripMs} ms`, objects: [] };
}

export function unreachable(failure: PgFailure): Measurement {
  return {
    value: null,
    status: 'critical',
    message: `PostgreSQL: ${failure.reason} (${failure.message})`,
    objects: [],
  };
}

/** The database whose oldest transaction (or multixact) ID is closest to wraparound. */
export function xidWraparound(databases: DatabaseRow[]): Measurement {
  const byAge = [...databases].sort((a, b) => b.xid_age - a.xid_age);
  const [oldest] = byAge;
  if (!oldest) return { value: 0, message: 'No database', objects: [] };
  const value = oldest.xid_age / XID_LIMIT;
  return {
    value: rounded(value),
    message: `Oldest: ${oldest.datname}, ${Math.round(oldest.xid_age)} transactions old (${percent(value)} of the way to wraparound)`,
    objects: byAge.slice(0, MAX_OBJECTS).map((row): CheckObject => ({
      database: row.datname,
      xid_age: row.xid_age,
      value: rounded(row.xid_age / XID_LIMIT),
    })),
  };
}

/** The database reading least from shared_buffers, among those read enough to judge. */
export function cacheHitRatio(databases: DatabaseRow[]): Measurement {
  const judged = databases
    .map((row) => ({ row, accesses: (row.blks_hit ?? 0) + (row.blks_read ?? 0) }))
    .filter((entry) => entry.accesses >= MIN_BLOCK_ACCESSES)
    .map(({ row, accesses }) => ({ row, ratio: (row.blks_hit ?? 0) / accesses }))
    .sort((a, b) => a.ratio - b.ratio);
  const [worst] = judged;
  if (!worst) {
    return {
      value: null,
      message: `No database has read ${MIN_BLOCK_ACCESSES} blocks since the statistics were reset: too little to judge`,
      objects: [],
    };
  }
  return {
    value: rounded(worst.ratio),
    message: `Lowest cache hit ratio: ${percent(worst.ratio)} in ${worst.row.datname}`,
    objects: judged.slice(0, MAX_OBJECTS).map(({ row, ratio }): CheckObject => ({
      database: row.datname,
      blocks_hit: row.blks_hit,
      blocks_read: row.blks_read,
      value: rounded(ratio),
    })),
  };
}

/** WAL not yet replayed: by each standby of a primary, or by this standby. */
export function replicationLag(reading: ReplicationReading): Measurement {
  if (reading.role === 'standby') {
    const { lag_bytes, lag_s, paused, receiver } = reading.recovery;
    const value = Math.max(0, lag_bytes ?? 0);
    const state = [
      paused ? 'replay paused' : null,
      receiver === null ? 'not streaming' : `WAL receiver ${receiver}`,
    ]
      .filter(Boolean)
      .join(', ');
    return {
      value,
      message: `This standby has ${bytes(value)} of WAL not replayed yet (${state})`,
      objects: [{ standby: 'this server', paused, receiver, lag_s, value }],
    };
  }
  const standbys = [...reading.standbys].sort((a, b) => (b.lag_bytes ?? 0) - (a.lag_bytes ?? 0));
  const [worst] = standbys;
  if (!worst) return { value: 0, message: 'No standby is connected', objects: [] };
  const value = Math.max(0, worst.lag_bytes ?? 0);
  return {
    value,
    message: `${count(standbys.length, 'standby', 'standbys')}; the furthest behind (${worst.application_name ?? worst.client_addr ?? '?'}) has ${bytes(value)} not replayed`,
    objects: standbys.slice(0, MAX_OBJECTS).map((row): CheckObject => ({
      standby: row.application_name,
      client_addr: row.client_addr,
      state: row.state,
      lag_s: row.lag_s,
      value: Math.max(0, row.lag_bytes ?? 0),
    })),
  };
}

/** Slots nothing consumes, with the WAL each keeps. */
export function inactiveSlots(slots: SlotRow[]): Measurement {
  const inactive = slots
    .filter((slot) => !slot.active)
    .sort((a, b) => (b.retained_bytes ?? 0) - (a.retained_bytes ?? 0));
  const kept = inactive.reduce((sum, slot) => sum + Math.max(0, slot.retained_bytes ?? 0), 0);
  return {
    value: inactive.length,
    message:
      inactive.length === 0
        ? `No inactive slot (${count(slots.length, 'slot')})`
        : `${count(inactive.length, 'inactive slot')} keeping ${bytes(kept)} of WAL: ${inactive.map((slot) => slot.slot_name).join(', ')}`,
    objects: inactive.slice(0, MAX_OBJECTS).map((slot): CheckObject => ({
      slot: slot.slot_name,
      slot_type: slot.slot_type,
      database: slot.database,
      wal_status: slot.wal_status,
      retained_bytes: slot.retained_bytes,
      value: null,
    })),
  };
}

/** The share of checkpoints that were requested rather than timed. */
export function checkpointsRequested(row: CheckpointsRow): Measurement {
  const total = row.timed + row.requested;
  const objects: CheckObject[] = [{ timed: row.timed, requested: row.requested, value: null }];
  if (total < MIN_CHECKPOINTS) {
    return {
      value: null,
      message: `Only ${count(total, 'checkpoint')} since the statistics were reset: too few to judge`,
      objects,
    };
  }
  const value = row.requested / total;
  return {
    value: rounded(value),
    message: `${percent(value)} of ${total} checkpoints were requested (by WAL volume or command), ${row.timed} timed`,
    objects,
  };
}

/** Whether pg_stat_statements answers in the server's database, and what is missing if not. */
export function statementsAvailable(row: StatementsRow, database: string): Measurement {
  const objects: CheckObject[] = [
    { database, created: row.created, preloaded: row.preloaded, value: row.readable ? 1 : 0 },
  ];
  if (row.readable) return { value: 1, message: 'pg_stat_statements is available', objects };
  if (!row.preloaded) {
    return {
      value: 0,
      message: 'pg_stat_statements is not in shared_preload_libraries',
      hint: `Add pg_stat_statements to shared_preload_libraries and restart PostgreSQL${row.created ? '' : `, then CREATE EXTENSION pg_stat_statements in database ${database}`}.`,
      objects,
    };
  }
  if (!row.created) {
    return {
      value: 0,
      message: `pg_stat_statements is loaded but not created in database ${database}`,
      hint: `Run CREATE EXTENSION pg_stat_statements in database ${database}.`,
      objects,
    };
  }
  return {
    value: 0,
    message: 'pg_stat_statements exists but the monitoring role cannot read it',
    hint: 'GRANT pg_read_all_stats (or pg_monitor) to the monitoring role.',
    objects,
  };
}
