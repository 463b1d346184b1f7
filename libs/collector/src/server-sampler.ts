import { Injectable, Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { AppConfig } from '#config';
import { counterDeltas, mapCounters, zeroCounters } from '#history';
import { hasSsh, type ServerRecord } from '#servers';
import { DiskProbe } from '#stats';
import { TargetQuery } from '#target-query';
import { CollectorRepository, type Claim, type NewSample } from './collector.repository.js';
import {
  CREATION_TIME_SQL,
  DATABASE_SIZES_SQL,
  DATABASE_STATS_SQL,
  type DatabaseStatsRow,
} from './sample-queries.js';

/** The sample was read but pgmon's own store refused it: not the monitored server's fault. */
export class StoreWriteError extends Error {
  constructor(cause: unknown) {
    super(
      `writing the sample to the store failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

export interface SampleResult {
  databases: number;
}

interface Reading {
  ts: number;
  rows: DatabaseStatsRow[];
  sizes: Map<number, number> | null;
}

/**
 * One sample of one server: pg_stat_database of every database (sizes on their slower
 * schedule, under their own statement timeout), disk usage over SSH, written in one store
 * transaction with the hourly rollup.
 */
@Injectable()
export class ServerSampler {
  private readonly logger = new Logger(ServerSampler.name);
  /** Servers whose role may not call pg_stat_file: do not ask again. */
  private readonly creationTimeDenied = new Set<number>();

  constructor(
    private readonly query: TargetQuery,
    private readonly disk: DiskProbe,
    private readonly repository: CollectorRepository,
    private readonly config: AppConfig,
  ) {}

  async sample(server: ServerRecord, claim: Claim): Promise<SampleResult> {
    const reading = await this.read(server, claim.sizesDue);
    const created = await this.write(server, reading).catch((error: unknown) => {
      throw new StoreWriteError(error);
    });
    await this.recordCreationTimes(server, created);
    await this.sampleDisk(server, reading);
    return { databases: reading.rows.length };
  }

  private async read(server: ServerRecord, sizesDue: boolean): Promise<Reading> {
    const ts = Date.now();
    return this.query.runOrThrow(server, async (client) => {
      const stats = await client.query<DatabaseStatsRow>(DATABASE_STATS_SQL);
      const sizes = sizesDue ? await this.readSizes(client, server) : null;
      return { ts, rows: stats.rows, sizes };
    });
  }

  /**
   * Sizes, or null when they cannot be read this round (a database dropped meanwhile, the size
   * timeout): the rest of the sample is still worth keeping, and sizes are retried next round.
   */
  private async readSizes(
    client: ClientBase,
    server: ServerRecord,
  ): Promise<Map<number, number> | null> {
    try {
      return await this.querySizes(client);
    } catch (error) {
      this.logger.debug(
        `${server.name}: database sizes not read this round (${error instanceof Error ? error.message : 'error'})`,
      );
      return null;
    }
  }

  private async querySizes(client: ClientBase): Promise<Map<number, number>> {
    await client.query('begin');
    try {
      await client.query(
        `set local statement_timeout = ${Math.floor(this.config.collector.sizeTimeoutMs)}`,
      );
      const result = await client.query<{ oid: number; size: number }>(DATABASE_SIZES_SQL);
      await client.query('commit');
      return new Map(result.rows.map((row) => [row.oid, row.size]));
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  /** Writes every database's sample; returns the ids of databases seen for the first time. */
  private write(server: ServerRecord, reading: Reading): Promise<{ id: number; oid: number }[]> {
    return this.repository.transaction(async (trx) => {
      const created: { id: number; oid: number }[] = [];
      for (const row of reading.rows) {
        const identity = await this.repository.identity(
          trx,
          server.id,
          row.datname,
          row.oid,
          reading.ts,
        );
        if (identity.created) created.push({ id: identity.id, oid: row.oid });
        const sample = toSample(identity.id, reading, row);
        const previous = await this.repository.previousSample(trx, identity.id, row.oid);
        if (!(await this.repository.insertSample(trx, sample))) continue;
        const events = counterDeltas(previous, { ...sample, identity: row.oid }) ?? zeroCounters();
        await this.repository.addToHour(trx, sample, events);
      }
      return created;
    });
  }

  private async recordCreationTimes(
    server: ServerRecord,
    created: { id: number; oid: number }[],
  ): Promise<void> {
    if (created.length === 0 || this.creationTimeDenied.has(server.id)) return;
    for (const database of created) {
      const answer = await this.query.rows<{ created: number }>(server, CREATION_TIME_SQL, [
        database.oid,
      ]);
      if (!answer.ok) {
        this.creationTimeDenied.add(server.id);
        this.logger.debug(
          `${server.name}: creation times are not readable (pg_stat_file not granted)`,
        );
        return;
      }
      const createdAt = answer.value[0]?.created;
      if (createdAt) await this.repository.setCreationTime(database.id, createdAt);
    }
  }

  /** Disk usage over SSH; a failure leaves no disk sample (status and /test say why). */
  private async sampleDisk(server: ServerRecord, reading: Reading): Promise<void> {
    const directory = reading.rows[0]?.data_directory;
    if (!hasSsh(server) || !directory) return;
    const disk = await this.disk.read(server, directory);
    if (!disk.ok) return;
    const { usage } = disk.result;
    await this.repository.insertDisk(
      this.repository.executor,
      server.id,
      reading.ts,
      usage.availableBytes,
      usage.totalBytes,
    );
  }
}

function toSample(databaseId: number, reading: Reading, row: DatabaseStatsRow): NewSample {
  return {
    databaseId,
    ts: reading.ts,
    numbackends: row.numbackends ?? 0,
    counters: mapCounters((counter) => row[counter]),
    statsReset: row.stats_reset,
    postmasterStart: row.postmaster_start,
    sizeBytes: reading.sizes?.get(row.oid) ?? null,
  };
}
