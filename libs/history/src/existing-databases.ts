import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { ServerRecord } from '#servers';
import { TargetQuery } from '#target-query';

/** How long the answer (or the failure to get one) is reused, per server config. */
const CACHE_MS = 5000;
/** The history routes answer from stored data; asking the server may not hold them up long. */
const DEADLINE_MS = 1500;

/** Which databases exist on a server now: the only part of the history routes that needs it. */
@Injectable()
export class ExistingDatabasesProbe {
  constructor(
    private readonly query: TargetQuery,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  /** The names, or null when the server cannot be reached in time. */
  async names(server: ServerRecord): Promise<ReadonlySet<string> | null> {
    const key = `history:databases:${server.id}:${server.generation}`;
    const names = await this.cache.wrap(key, () => this.ask(server), CACHE_MS);
    return names === null ? null : new Set(names);
  }

  /** Plain arrays, so the answer can live in any cache store. */
  private async ask(server: ServerRecord): Promise<string[] | null> {
    const answer = await this.query.rows<{ datname: string }>(
      server,
      'select datname from pg_database where not datistemplate',
      [],
      { deadlineMs: DEADLINE_MS },
    );
    return answer.ok ? answer.value.map((row) => row.datname) : null;
  }
}
