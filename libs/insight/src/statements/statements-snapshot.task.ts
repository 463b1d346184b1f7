import { Injectable, Logger } from '@nestjs/common';
import type { ClientBase, QueryArrayResult } from 'pg';
import { AppConfig } from '#config';
import type { ServerTask } from '#collector';
import type { ServerRecord } from '#servers';
import { TargetFailedError, TargetQuery } from '#target-query';
import { InsightMetrics } from '../insight.metrics.js';
import { QUERY_TEXT_MAX_CHARS } from '../query-text.js';
import { intervalRows } from './interval-rows.js';
import {
  parseReading,
  type AfterRow,
  type EntryRow,
  type InfoRow,
  type ParsedReading,
} from './reading-rows.js';
import { readingDeltas } from './statement-deltas.js';
import {
  statementsHint,
  unavailable,
  unavailableFor,
  type Unavailable,
} from './statements-availability.js';
import {
  STATEMENTS_SOURCE_SQL,
  statementsLevel,
  statementsReadingSql,
  statementTextsSql,
  type StatementsSource,
} from './statements-sql.js';
import { StatementsWriter } from './statements-writer.js';

/** How long a server's extension version and schema are trusted before they are read again. */
const SOURCE_TTL_MS = 3_600_000;
/** Readings further apart than this many intervals are not differenced (see readingDeltas). */
const MAX_GAP_INTERVALS = 3;

type Outcome =
  | { ok: true; parsed: ParsedReading; source: StatementsSource }
  | { ok: false; unavailable: Unavailable };

/**
 * Every STATEMENTS_INTERVAL seconds, per server: one reading of pg_stat_statements in the
 * server's configured database (one round trip on one pooled connection, under the pool's
 * statement timeout; never a reset), differenced against the previous reading, stored as the
 * top STATEMENTS_TOP statements of the interval plus one "other" row. Texts are fetched once,
 * only for statements that made a top and have none stored yet.
 */
@Injectable()
export class StatementsSnapshotTask implements ServerTask {
  readonly name = 'statements';
  private readonly logger = new Logger('Statements');
  private readonly sources = new Map<
    number,
    { generation: number; source: StatementsSource; until: number }
  >();

  constructor(
    private readonly query: TargetQuery,
    private readonly writer: StatementsWriter,
    private readonly config: AppConfig,
    private readonly metrics: InsightMetrics,
  ) {}

  intervalMs(): number {
    return this.config.insight.statementsIntervalSeconds * 1000;
  }

  async run(server: ServerRecord): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.query.runOrThrow(server, (client) => this.read(server, client));
    } catch (error) {
      this.sources.delete(server.id);
      throw error;
    }
    if (!outcome.ok) {
      this.sources.delete(server.id);
      await this.writer.recordUnavailable(server.id, outcome.unavailable);
      throw new TargetFailedError({
        code: `statements_${outcome.unavailable.code}`,
        reason: 'pg_stat_statements unavailable',
        message: `${outcome.unavailable.reason} (${statementsHint(outcome.unavailable.code, this.target(server))})`,
      });
    }
    const queryids = await this.ingest(server, outcome.parsed, Date.now());
    await this.fetchTexts(server, outcome.source, queryids);
  }

  /**
   * Differences a reading against the previous one and writes it; returns the queryids of the
   * interval's top. Public for the store tests and the benchmark, which feed readings directly.
   */
  async ingest(server: ServerRecord, parsed: ParsedReading, ts: number): Promise<string[]> {
    const previous = await this.writer.lastReading(server.id);
    const outcome = readingDeltas(previous, parsed.reading, MAX_GAP_INTERVALS * this.intervalMs());
    if (previous && previous.postmasterStart !== parsed.reading.postmasterStart)
      this.sources.delete(server.id); // a restart may have been an upgrade
    if (outcome.kind === 'baseline' && previous)
      this.logger.debug(`${server.name}: new baseline (${outcome.reason})`);
    const top = this.config.insight.statementsTop;
    const rows = outcome.kind === 'interval' ? intervalRows(outcome.deltas, top) : null;
    const written = await this.writer.write({
      serverId: server.id,
      ts,
      reading: parsed.reading,
      names: parsed.names,
      intervalMs: outcome.kind === 'interval' ? outcome.intervalMs : null,
      evictions: outcome.kind === 'interval' ? outcome.evictions : null,
      rows,
      top,
    });
    this.metrics.statementsRead(server.name, parsed.reading.entries.length, written);
    if (outcome.kind === 'interval' && outcome.evictions)
      this.metrics.statementsEvicted(server.name, outcome.evictions);
    return (rows?.top ?? []).map(({ delta }) => delta.entry.queryid);
  }

  private async read(server: ServerRecord, client: ClientBase): Promise<Outcome> {
    try {
      const source = await this.source(server, client);
      if (!('schema' in source)) return { ok: false, unavailable: source };
      const results = (await client.query({
        text: statementsReadingSql(source),
        rowMode: 'array',
      })) as unknown;
      return { ok: true, parsed: this.parse(server, source, results), source };
    } catch (error) {
      const reason = unavailableFor(error, this.target(server));
      if (reason) return { ok: false, unavailable: reason };
      throw error;
    }
  }

  /** The three statements' results (the driver returns an array for a multi-statement text). */
  private parse(server: ServerRecord, source: StatementsSource, results: unknown): ParsedReading {
    if (!Array.isArray(results) || results.length !== 3)
      throw new Error('pg_stat_statements reading: expected three results');
    const [info, entries, after] = results as QueryArrayResult[];
    const afterRow = after?.rows[0] as AfterRow | undefined;
    if (!afterRow) throw new Error('pg_stat_statements reading: no clock row');
    return parseReading(
      info?.rows[0] as InfoRow | undefined,
      (entries?.rows ?? []) as EntryRow[],
      afterRow,
      {
        generation: server.generation,
        level: source.level,
      },
    );
  }

  /** Where the extension is and what it offers: remembered per server configuration. */
  private async source(
    server: ServerRecord,
    client: ClientBase,
  ): Promise<StatementsSource | Unavailable> {
    const known = this.sources.get(server.id);
    if (known && known.generation === server.generation && known.until > Date.now())
      return known.source;
    const result = await client.query<{
      version_num: number;
      extversion: string | null;
      schema: string | null;
    }>(STATEMENTS_SOURCE_SQL);
    const row = result.rows[0];
    if (!row?.extversion || !row.schema) return unavailable('missing', this.target(server));
    const source = {
      versionNum: row.version_num,
      level: statementsLevel(row.version_num, row.extversion),
      schema: row.schema,
    };
    this.sources.set(server.id, {
      generation: server.generation,
      source,
      until: Date.now() + SOURCE_TTL_MS,
    });
    return source;
  }

  /** Texts of the top statements pgmon has none of yet; a failure is retried next time. */
  private async fetchTexts(
    server: ServerRecord,
    source: StatementsSource,
    queryids: string[],
  ): Promise<void> {
    const missing = await this.writer.withoutText(server.id, [...new Set(queryids)]);
    if (missing.length === 0) return;
    const answer = await this.query.rows<{ queryid: string; query: string; truncated: boolean }>(
      server,
      statementTextsSql(source),
      [missing, QUERY_TEXT_MAX_CHARS],
    );
    if (!answer.ok) {
      this.logger.debug(`${server.name}: statement texts not read (${answer.failure.message})`);
      return;
    }
    await this.writer.insertTexts(server.id, answer.value);
  }

  private target(server: ServerRecord): { database: string; user: string } {
    return { database: server.database, user: server.user };
  }
}
