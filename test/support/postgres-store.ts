import { randomBytes } from 'node:crypto';
import { adminQuery, createDatabase, type TestDatabase } from './clusters.js';
import type { PgTarget } from './targets-info.js';

/** A database for the app's store on a test cluster, owned by a role of its own. */
export interface StoreDatabase {
  database: TestDatabase;
  /** DATABASE_URL for the app, as the owner role. */
  url: string;
  /** The owner role's password (which no answer may show). */
  password: string;
  /** The store becomes unreachable: the role may no longer log in, its sessions end. */
  refuseLogins(): Promise<void>;
  allowLogins(): Promise<void>;
  /** Drops the database and the role. */
  drop(): Promise<void>;
}

export async function createStoreDatabase(
  target: PgTarget,
  prefix: string,
): Promise<StoreDatabase> {
  const database = await createDatabase(target, prefix);
  const role = `pgmon_store_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await adminQuery(target, `CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
  await adminQuery(target, `ALTER DATABASE "${database.name}" OWNER TO "${role}"`);
  return {
    database,
    password,
    url: `postgresql://${role}:${password}@${target.host}:${target.port}/${database.name}`,
    async refuseLogins() {
      await adminQuery(target, `ALTER ROLE "${role}" NOLOGIN`);
      await adminQuery(
        target,
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1',
        [role],
      );
    },
    async allowLogins() {
      await adminQuery(target, `ALTER ROLE "${role}" LOGIN`);
    },
    async drop() {
      await database.drop();
      await adminQuery(target, `DROP ROLE IF EXISTS "${role}"`);
    },
  };
}
