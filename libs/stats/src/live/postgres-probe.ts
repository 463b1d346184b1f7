import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import { PoolRegistry } from '#pool';
import { ServerTargets, type ServerRecord } from '#servers';
import { describePgFailure, type PgFailure } from './pg-failure.js';
import { connectionsByState, STATUS_SQL, type StatusRow } from './status-query.js';

export type PgReading = { ok: true; row: StatusRow } | { ok: false; failure: PgFailure };

/** Reads the status row of one server through its pool; never throws. */
@Injectable()
export class PostgresProbe {
  constructor(
    private readonly pools: PoolRegistry,
    private readonly targets: ServerTargets,
    private readonly config: AppConfig,
  ) {}

  async read(server: ServerRecord): Promise<PgReading> {
    try {
      const result = await this.pools.query<StatusRow>(this.targets.pg(server), STATUS_SQL);
      const row = result.rows[0];
      if (!row) throw new Error('status query returned no row');
      return { ok: true, row: { ...row, connections: connectionsByState(row.connections) } };
    } catch (error) {
      return { ok: false, failure: describePgFailure(error, this.context(server)) };
    }
  }

  context(server: ServerRecord) {
    return {
      host: server.host,
      port: server.port,
      user: server.user,
      database: server.database,
      timeoutMs: this.config.targets.connectTimeoutMs,
    };
  }
}
