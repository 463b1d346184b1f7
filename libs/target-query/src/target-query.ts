import {
  HttpException,
  HttpStatus,
  Injectable,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import type { ClientBase, QueryResultRow } from 'pg';
import type { Subscription } from 'rxjs';
import { AppConfig } from '#config';
import { PoolRegistry, type PoolProfileName } from '#pool';
import { ServersService, ServerTargets, type ServerRecord } from '#servers';
import { describePgFailure, type PgFailure, type PgFailureContext } from './pg-failure.js';

export interface TargetCallOptions {
  /** Database to connect to; default: the server's configured database. */
  database?: string;
  /** Pool sizes to use; default: the status/activity pools. */
  profile?: PoolProfileName;
  /** A new connection, closed afterwards, instead of a pooled one (to test credentials now). */
  fresh?: boolean;
  /** Longest the whole call may take, connecting included; default connect + statement timeout. */
  deadlineMs?: number;
}

/** The server could not be read; `failure` says why (for work that must throw, e.g. tasks). */
export class TargetFailedError extends Error {
  constructor(readonly failure: PgFailure) {
    super(failure.message);
  }
}

/** What asking a server gave: the value, or why there is none (never an exception). */
export type TargetAnswer<T> = { ok: true; value: T } | { ok: false; failure: PgFailure };

/**
 * The one way pgmon asks a monitored server something: server -> pooled (or fresh)
 * connection -> work under a deadline (the connection is cut when it passes) -> an ok/failure
 * value whose failure is described in a fixed vocabulary, never in the driver's raw words.
 * Status, activity, history, the collector and every later feature go through it.
 */
@Injectable()
export class TargetQuery implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(
    private readonly pools: PoolRegistry,
    private readonly targets: ServerTargets,
    private readonly servers: ServersService,
    private readonly config: AppConfig,
  ) {}

  /** A changed or deleted server's pools close at once; new calls open new ones. */
  onModuleInit(): void {
    this.subscription = this.servers.changes.subscribe((change) => {
      if (change.kind !== 'created')
        void this.pools.dropServer(change.serverId).catch(() => undefined);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Runs `work` on a connection to the server; never throws. */
  async run<T>(
    server: ServerRecord,
    work: (client: ClientBase) => Promise<T>,
    options: TargetCallOptions = {},
  ): Promise<TargetAnswer<T>> {
    const target = this.targets.pg(server, options.database, options.profile);
    const deadlineMs = options.deadlineMs ?? this.pools.defaultDeadlineMs;
    try {
      const value = options.fresh
        ? await this.pools.withFreshConnection(target, work, deadlineMs)
        : await this.pools.withClient(target, work, deadlineMs);
      return { ok: true, value };
    } catch (error) {
      return {
        ok: false,
        failure: describePgFailure(error, this.context(server, target.database)),
      };
    }
  }

  /** The rows of one statement. */
  rows<R extends QueryResultRow>(
    server: ServerRecord,
    text: string,
    values: unknown[] = [],
    options: TargetCallOptions = {},
  ): Promise<TargetAnswer<R[]>> {
    return this.run(server, async (client) => (await client.query<R>(text, values)).rows, options);
  }

  /** Like run(), for the collector's tasks: a failure is thrown as TargetFailedError. */
  async runOrThrow<T>(
    server: ServerRecord,
    work: (client: ClientBase) => Promise<T>,
    options: TargetCallOptions = {},
  ): Promise<T> {
    const answer = await this.run(server, work, options);
    if (answer.ok) return answer.value;
    throw new TargetFailedError(answer.failure);
  }

  /** Like run(), for routes: a failure becomes 504 (timeout) or 502 with the failure's words. */
  async orHttpError<T>(
    server: ServerRecord,
    work: (client: ClientBase) => Promise<T>,
    options: TargetCallOptions = {},
  ): Promise<T> {
    const answer = await this.run(server, work, options);
    if (answer.ok) return answer.value;
    throw unreachable(answer.failure);
  }

  /** Where a failure happened, for its description. */
  context(server: ServerRecord, database = server.database): PgFailureContext {
    return {
      host: server.host,
      port: server.port,
      user: server.user,
      database,
      timeoutMs: this.config.targets.connectTimeoutMs,
    };
  }
}

/** 504 when the server did not answer in time, 502 for any other failure to reach it. */
export function unreachable(failure: PgFailure): HttpException {
  const status = failure.code === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
  return new HttpException(
    { detail: `PostgreSQL: ${failure.reason} (${failure.message})`, error: failure.code },
    status,
  );
}
