import { configView, type ServerRecord } from '#servers';
import type { DiskReading } from './disk-probe.js';
import type { PgReading } from './postgres-probe.js';
import type { StatusEntry } from './status-entry.js';

export interface ReadTiming {
  checkedAt: Date;
  responseMs: number;
}

/** Builds the entry with the seed's fields first, then pgmon's additions. */
export function composeEntry(
  server: ServerRecord,
  pg: PgReading,
  disk: DiskReading | null,
  timing: ReadTiming,
): StatusEntry {
  const row = pg.ok ? pg.row : undefined;
  const usage = disk?.ok ? disk.result.usage : undefined;
  const { name, host, port, ...config } = configView(server);
  return {
    name,
    host,
    port,
    version: row?.version ?? null,
    connections: row?.connections ?? null,
    uptime_hours: row?.uptime_hours ?? null,
    free_space: usage?.availableBytes ?? null,
    total_space: usage?.totalBytes ?? null,
    status: statusText(pg, disk),
    pg_error: pg.ok ? null : { code: pg.failure.code, message: pg.failure.message },
    ssh_error: disk && !disk.ok ? { code: disk.failure.code, message: disk.failure.message } : null,
    version_num: row?.version_num ?? null,
    uptime_seconds: row?.uptime_seconds ?? null,
    data_directory: row?.data_directory ?? null,
    checked_at: timing.checkedAt.toISOString(),
    disk_checked_at: disk?.ok ? disk.result.checkedAt.toISOString() : null,
    response_ms: timing.responseMs,
    ...config,
    // A key recorded at first contact during this read is already pinned in the store.
    ssh_host_key: server.sshHostKey ?? (disk?.ok ? disk.result.hostKey : null),
  };
}

/** "ok", "ok (SSH: <reason>)" or "PostgreSQL: <reason>" (the seed's strings). */
export function statusText(pg: PgReading, disk: DiskReading | null): string {
  if (!pg.ok) return `PostgreSQL: ${pg.failure.reason}`;
  if (disk && !disk.ok) return `ok (SSH: ${disk.failure.reason})`;
  return 'ok';
}
