import type { Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { usersAndAudit } from './001-users-and-audit.js';
import { servers } from './002-servers.js';
import { history } from './003-history.js';
import { widerCollectorId } from './004-wider-collector-id.js';
import { caseInsensitiveLogins } from './005-case-insensitive-logins.js';
import { serverNames } from './006-server-names.js';
import { collectorTasks } from './007-collector-tasks.js';
import { auditOutcome } from './010-audit-outcome.js';
import { checkResults } from './011-check-results.js';
import { statementHistory } from './008-statement-history.js';
import { sessionHistory } from './009-session-history.js';
import { alerts } from './012-alerts.js';
import { notifications } from './013-notifications.js';
import { upstreamAuth } from './014-upstream-auth.js';
import { sshKeys } from './015-ssh-keys.js';
import { settingsAndSystemEvents } from './016-settings-and-system-events.js';

/** Every migration, in order. Append only: a released migration never changes. */
export class StoreMigrations implements MigrationProvider {
  constructor(private readonly dialect: StoreDialect) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({
      '001-users-and-audit': usersAndAudit(this.dialect),
      '002-servers': servers(this.dialect),
      '003-history': history(this.dialect),
      '004-wider-collector-id': widerCollectorId(this.dialect),
      '005-case-insensitive-logins': caseInsensitiveLogins(),
      '006-server-names': serverNames(),
      '007-collector-tasks': collectorTasks(),
      '010-audit-outcome': auditOutcome(),
      '011-check-results': checkResults(),
      '008-statement-history': statementHistory(this.dialect),
      '009-session-history': sessionHistory(this.dialect),
      '012-alerts': alerts(this.dialect),
      '013-notifications': notifications(this.dialect),
      '014-upstream-auth': upstreamAuth(),
      '015-ssh-keys': sshKeys(),
      '016-settings-and-system-events': settingsAndSystemEvents(this.dialect),
    });
  }
}
