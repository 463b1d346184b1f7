import { Injectable } from '@nestjs/common';
import { PoolRegistry } from '#pool';
import { ServerTargets, type ServerRecord } from '#servers';

/** How long the answer (or the failure to get one) is reused, per server config. */
const CACHE_MS = 5000;
/** The history routes answer from stored data; asking the server may not hold them up long. */
const DEADLINE_MS = 1500;

/** Which databases exist on a server now: the only part of the history routes that needs it. */
@Injectable()
export class ExistingDatabasesProbe {
  private readonly cache = new Map<
    string,
    { at: number; names: Promise<ReadonlySet<string> | null> }
  >();

  constructor(
    private readonly pools: PoolRegistry,
    private readonly targets: ServerTargets,
  ) {}

  /** The names, or null when the server cannot be reached in time. */
  names(server: ServerRecord): Promise<ReadonlySet<string> | null> {
    const key = `${server.id}@${server.generation}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.names;
    const names = this.ask(server);
    this.forgetExpired();
    this.cache.set(key, { at: Date.now(), names });
    return names;
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [key, entry] of this.cache) if (now - entry.at >= CACHE_MS) this.cache.delete(key);
  }

  private async ask(server: ServerRecord): Promise<ReadonlySet<string> | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>(
      (resolve) => (timer = setTimeout(() => resolve(null), DEADLINE_MS)),
    );
    const query = this.pools
      .query<{ datname: string }>(
        this.targets.pg(server),
        'select datname from pg_database where not datistemplate',
      )
      .then((result) => new Set(result.rows.map((row) => row.datname)) as ReadonlySet<string>)
      .catch(() => null);
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
