import { Injectable } from '@nestjs/common';
import type { ServerRecord } from '#servers';
import { TargetQuery, type PgFailure, type TargetCallOptions } from '#target-query';
import { connectionsByState, STATUS_SQL, type StatusRow } from './status-query.js';

export type PgReading = { ok: true; row: StatusRow } | { ok: false; failure: PgFailure };

/** Reads the status row of one server; never throws. */
@Injectable()
export class PostgresProbe {
  constructor(private readonly query: TargetQuery) {}

  async read(server: ServerRecord, options: TargetCallOptions = {}): Promise<PgReading> {
    return this.readRow<StatusRow>(server, STATUS_SQL, options);
  }

  /** The status row of `sql` (STATUS_SQL, possibly with more columns), connections ordered. */
  async readRow<R extends StatusRow>(
    server: ServerRecord,
    sql: string,
    options: TargetCallOptions,
  ): Promise<{ ok: true; row: R } | { ok: false; failure: PgFailure }> {
    const answer = await this.query.rows<R>(server, sql, [], options);
    if (!answer.ok) return answer;
    const row = answer.value[0];
    if (!row) return { ok: false, failure: NO_ROW };
    return { ok: true, row: { ...row, connections: connectionsByState(row.connections) } };
  }
}

const NO_ROW: PgFailure = {
  code: 'server_error',
  reason: 'server error',
  message: 'the status query returned no row',
};
