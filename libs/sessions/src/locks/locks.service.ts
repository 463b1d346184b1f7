import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import type { ServerRecord } from '#servers';
import { TargetQuery } from '#target-query';
import { buildLockTree, type LockSession } from './lock-tree.js';
import { locksQuery, RELATION_NAMES_SQL, type LockRow } from './locks-query.js';
import type { LockTreeView } from './locks.dto.js';

/** Who blocks whom on a server, read live (GET /server/{name}/locks). */
@Injectable()
export class LocksService {
  constructor(private readonly query: TargetQuery) {}

  /** The blocking tree; 502/504 when the server cannot be read. */
  async tree(server: ServerRecord): Promise<LockTreeView> {
    const checkedAt = new Date();
    const rows = await this.query.orHttpError(server, async (client) => readLocks(client));
    await this.nameRelationsElsewhere(server, rows);
    const tree = buildLockTree(rows.map(toSession));
    return {
      server: server.name,
      checked_at: checkedAt.toISOString(),
      blocked_sessions: tree.blockedSessions,
      root_blockers: tree.rootBlockers,
      tree: tree.tree,
    };
  }

  /**
   * A relation OID means something only in its own database: locks waited for in other
   * databases are named through a connection to each of them. A database that cannot be read
   * leaves those names null rather than failing the tree.
   */
  private async nameRelationsElsewhere(server: ServerRecord, rows: LockRow[]): Promise<void> {
    const unnamed = rows.filter(
      (row) => row.relation === null && row.relation_oid !== null && row.lock_datname !== null,
    );
    const databases = new Set(unnamed.map((row) => row.lock_datname as string));
    for (const database of databases) {
      const inDatabase = unnamed.filter((row) => row.lock_datname === database);
      const answer = await this.query.rows<{ oid: string; name: string }>(
        server,
        RELATION_NAMES_SQL,
        [inDatabase.map((row) => row.relation_oid)],
        { database },
      );
      if (!answer.ok) continue;
      const names = new Map(answer.value.map((found) => [found.oid, found.name]));
      for (const row of inDatabase) row.relation = names.get(row.relation_oid as string) ?? null;
    }
  }
}

async function readLocks(client: ClientBase): Promise<LockRow[]> {
  const version = await client.query<{ v: number }>(
    `select current_setting('server_version_num')::int as v`,
  );
  const result = await client.query<LockRow>(locksQuery(version.rows[0]?.v ?? 0));
  return result.rows;
}

function toSession(row: LockRow): LockSession {
  return {
    pid: row.pid,
    backend_start: row.backend_start,
    usename: row.usename,
    datname: row.datname,
    application_name: row.application_name,
    state: row.state,
    query: row.query,
    xact_start: row.xact_start,
    blocked_by: (row.blocked_by ?? []).map(Number),
    waiting_ms: row.waiting_ms,
    lock:
      row.lock_mode !== null && row.lock_type !== null
        ? { mode: row.lock_mode, locktype: row.lock_type, relation: row.relation }
        : null,
  };
}
