/** Which pool sizes a target gets (seed: default 1..5, stats_db 2..10). */
export type PoolProfileName = 'default' | 'stats_db';

export type TargetSslMode = 'disable' | 'require' | 'verify-full';

/** One database on one monitored server, as PoolRegistry connects to it. */
export interface PgTarget {
  serverId: number;
  serverName: string;
  /** The server's config generation: a changed config never reuses an old pool. */
  generation: number;
  host: string;
  port: number;
  user: string;
  database: string;
  /** Decrypts the password; called only when a connection is opened. */
  password: () => string | undefined;
  sslMode: TargetSslMode;
  profile: PoolProfileName;
}

/** The seed's pool key: `host:port:user:database`. */
export function poolKey(target: Pick<PgTarget, 'host' | 'port' | 'user' | 'database'>): string {
  return `${target.host}:${target.port}:${target.user}:${target.database}`;
}

/** Internal key: also the server and its generation, so two configs never share a pool. */
export function poolInstanceKey(target: PgTarget): string {
  return `${target.serverId}@${target.generation}/${poolKey(target)}`;
}
