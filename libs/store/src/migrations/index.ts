import type { Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { usersAndAudit } from './001-users-and-audit.js';
import { servers } from './002-servers.js';
import { history } from './003-history.js';
import { widerCollectorId } from './004-wider-collector-id.js';
import { collectorTasks } from './007-collector-tasks.js';
import { statementHistory } from './008-statement-history.js';
import { sessionHistory } from './009-session-history.js';

/** Every migration, in order. Append only: a released migration never changes. */
export class StoreMigrations implements MigrationProvider {
  constructor(private readonly dialect: StoreDialect) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({
      '001-users-and-audit': usersAndAudit(this.dialect),
      '002-servers': servers(this.dialect),
      '003-history': history(this.dialect),
      '004-wider-collector-id': widerCollectorId(this.dialect),
      '007-collector-tasks': collectorTasks(),
      '008-statement-history': statementHistory(this.dialect),
      '009-session-history': sessionHistory(this.dialect),
    });
  }
}
