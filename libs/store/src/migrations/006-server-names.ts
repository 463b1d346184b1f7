import { sql, type Kysely } from 'kysely';

/** The server name rule from 006 on (the same as the API's SERVER_NAME_PATTERN). */
const VALID_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const MAX_NAME_LENGTH = 63;

interface NameRow {
  id: number;
  name: string;
}

/**
 * Server names become unique regardless of case, and start with a letter or digit. Existing
 * names that break either rule are renamed before the index is created (a failed migration
 * would keep pgmon from starting): the oldest server keeps its name, a later one that differs
 * only in case gets a "-2" (or "-3", ...) suffix, and a name with a leading ".", "_" or "-" loses
 * it ("." and ".." could not be reached anyway). Each rename is written to the audit log.
 */
export function serverNames() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const store = db as Kysely<StoreTables>;
      const rows = await store.selectFrom('servers').select(['id', 'name']).orderBy('id').execute();
      for (const { id, from, to } of renames(rows.map(toNameRow))) {
        await store.updateTable('servers').set({ name: to }).where('id', '=', id).execute();
        await store
          .insertInto('audit_log')
          .values({
            at: Date.now(),
            actor: 'pgmon',
            action: 'server.rename',
            target: to,
            detail: JSON.stringify({ from, reason: 'migration 006: server name rules' }),
            client_ip: null,
          })
          .execute();
      }
      await db.schema
        .createIndex('servers_name_lower_unique')
        .on('servers')
        .unique()
        .expression(sql`lower(name)`)
        .execute();
    },
  };
}

/** The renames that make every name valid and unique ignoring case, oldest server first. */
export function renames(rows: NameRow[]): { id: number; from: string; to: string }[] {
  const taken = new Set(
    rows.filter((row) => VALID_NAME.test(row.name)).map((row) => row.name.toLowerCase()),
  );
  const changes: { id: number; from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.name.toLowerCase();
    const keeps = VALID_NAME.test(row.name) && !seen.has(key);
    if (keeps) {
      seen.add(key);
      continue;
    }
    const to = freeName(validBase(row.name), taken);
    taken.add(to.toLowerCase());
    changes.push({ id: row.id, from: row.name, to });
  }
  return changes;
}

/** The name without what the rules refuse at its start; "server" when nothing is left. */
function validBase(name: string): string {
  const trimmed = name.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9._-]/g, '-');
  return (trimmed || 'server').slice(0, MAX_NAME_LENGTH);
}

/** `base` if free (ignoring case), else `base-2`, `base-3`, ... cut to the length limit. */
function freeName(base: string, taken: Set<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

function toNameRow(row: { id: number | string; name: string }): NameRow {
  return { id: Number(row.id), name: row.name };
}

/** The two tables as they are at this migration (a migration never uses the live schema). */
interface StoreTables {
  servers: { id: number; name: string };
  audit_log: {
    at: number;
    actor: string | null;
    action: string;
    target: string | null;
    detail: string | null;
    client_ip: string | null;
  };
}
