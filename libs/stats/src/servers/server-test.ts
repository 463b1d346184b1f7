import type { ServerRecord } from '#servers';
import type { LoginReading } from '../live/disk-probe.js';
import type { PgReading } from '../live/postgres-probe.js';
import type { PostgresCheckView } from './server-check.dto.js';
import type { ConnectionTestView, SshTestView } from './server-test.dto.js';

/** test-pg: the server's version and sessions, or what failed and how to fix it. */
export function postgresTestAnswer(
  reading: PgReading,
  view: PostgresCheckView,
): ConnectionTestView {
  const hints = view.hints.length > 0 ? ` ${view.hints.join(' ')}` : '';
  if (!reading.ok || !view.ok) {
    return { success: false, message: `${view.error?.message ?? 'no answer'}.${hints}` };
  }
  const { active = 0, idle = 0 } = reading.row.connections ?? {};
  return {
    success: true,
    message: `PostgreSQL ${view.version ?? '?'}: ${active} active / ${idle} idle connections (${view.latency_ms} ms).${hints}`,
  };
}

/** test-ssh: whether pgmon logs in over SSH, and the host key it recorded at first contact. */
export function sshTestAnswer(
  server: ServerRecord,
  login: LoginReading,
  latencyMs: number,
): SshTestView {
  const auth_type = server.sshAuthType;
  if (!login.ok) {
    const message =
      login.failure.code === 'not_configured'
        ? 'SSH is not configured for this server (set ssh_user and a password or a key)'
        : login.failure.message;
    return { success: false, message, auth_type };
  }
  const where = `${server.sshUser ?? ''}@${server.host}:${server.sshPort}`;
  const recorded = login.firstContact ? `; host key ${login.hostKey} recorded` : '';
  return {
    success: true,
    message: `SSH login as ${where} works (${latencyMs} ms)${recorded}`,
    auth_type,
  };
}
