import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { AppConfig } from '#config';
import type { ServerRecord } from '#servers';
import { locksQuery, type LockRow } from '#sessions';
import { TargetQuery, type PgFailureContext, type TargetAnswer } from '#target-query';
import { firstRow, readingDeadlineMs, readPart, type Part } from './part.js';
import {
  checkpointsQuery,
  DATABASES_SQL,
  FACTS_SQL,
  RECOVERY_SQL,
  SESSIONS_SQL,
  slotsQuery,
  STANDBYS_SQL,
  STATEMENTS_PROBE_SQL,
  STATEMENTS_SQL,
  type CheckpointsRow,
  type DatabaseRow,
  type FactsRow,
  type RecoveryRow,
  type SessionRow,
  type SlotRow,
  type StandbyRow,
  type StatementsRow,
} from './server-queries.js';

export type ReplicationReading =
  { role: 'primary'; standbys: StandbyRow[] } | { role: 'standby'; recovery: RecoveryRow };

/** Everything server-wide the checks need, read on one connection. */
export interface ServerReading {
  /** The first round trip: connecting (when no pooled connection was free) and FACTS_SQL. */
  roundTripMs: number;
  facts: FactsRow;
  sessions: Part<SessionRow[]>;
  locks: Part<LockRow[]>;
  databases: Part<DatabaseRow[]>;
  replication: Part<ReplicationReading>;
  slots: Part<SlotRow[]>;
  checkpoints: Part<CheckpointsRow>;
  statements: Part<StatementsRow>;
}

/** Reads the server-wide part of the checks; a failure means the server could not be read. */
@Injectable()
export class ServerReader {
  constructor(
    private readonly query: TargetQuery,
    private readonly config: AppConfig,
  ) {}

  read(server: ServerRecord): Promise<TargetAnswer<ServerReading>> {
    const started = Date.now();
    const context = this.query.context(server);
    return this.query.run(
      server,
      async (client) => {
        const facts = (await client.query<FactsRow>(FACTS_SQL)).rows[0];
        if (!facts) throw new Error('the server returned no row');
        const roundTripMs = Date.now() - started;
        return { roundTripMs, facts, ...(await readRest(client, context, facts)) };
      },
      { deadlineMs: readingDeadlineMs(this.config.targets) },
    );
  }
}

async function readRest(
  client: ClientBase,
  context: PgFailureContext,
  facts: FactsRow,
): Promise<Omit<ServerReading, 'roundTripMs' | 'facts'>> {
  const version = facts.version_num;
  return {
    sessions: await readPart<SessionRow>(client, context, SESSIONS_SQL),
    locks: await readPart<LockRow>(client, context, locksQuery(version)),
    databases: await readPart<DatabaseRow>(client, context, DATABASES_SQL),
    replication: await readReplication(client, context, facts.in_recovery),
    slots: await readPart<SlotRow>(client, context, slotsQuery(version)),
    checkpoints: firstRow(
      await readPart<CheckpointsRow>(client, context, checkpointsQuery(version)),
    ),
    statements: await readStatements(client, context),
  };
}

async function readReplication(
  client: ClientBase,
  context: PgFailureContext,
  inRecovery: boolean,
): Promise<Part<ReplicationReading>> {
  if (inRecovery) {
    const recovery = firstRow(await readPart<RecoveryRow>(client, context, RECOVERY_SQL));
    return recovery.ok
      ? { ok: true, value: { role: 'standby', recovery: recovery.value } }
      : recovery;
  }
  const standbys = await readPart<StandbyRow>(client, context, STANDBYS_SQL);
  return standbys.ok
    ? { ok: true, value: { role: 'primary', standbys: standbys.value } }
    : standbys;
}

/** Whether pg_stat_statements is there, preloaded, and readable by the monitoring role. */
async function readStatements(
  client: ClientBase,
  context: PgFailureContext,
): Promise<Part<StatementsRow>> {
  const state = firstRow(await readPart<StatementsRow>(client, context, STATEMENTS_SQL));
  if (!state.ok || !state.value.created || !state.value.preloaded) return state;
  const probe = await readPart(client, context, STATEMENTS_PROBE_SQL);
  return { ok: true, value: { ...state.value, readable: probe.ok } };
}
