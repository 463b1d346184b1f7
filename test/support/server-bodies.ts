/** POST /servers bodies for the harness's real targets (PostgreSQL servers of any major, sshd). */
import { readTargets, type PgServer, type SshUser } from './targets-info.js';

/** The address every harness target listens on. */
export const LOOPBACK = '127.0.0.1';

/** A cluster as its pg_monitor-only role, without SSH; `extra` adds or overrides fields. */
export function monitorBody(
  name: string,
  cluster: PgServer = readTargets().pg.main,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    host: LOOPBACK,
    port: cluster.port,
    user: cluster.monitorUser,
    password: cluster.monitorPassword,
    ...extra,
  };
}

/** A cluster as its superuser (who may read database creation times), without SSH. */
export function superuserBody(name: string, cluster: PgServer): Record<string, unknown> {
  return {
    name,
    host: LOOPBACK,
    port: cluster.port,
    user: cluster.superuser,
    password: cluster.superpassword,
  };
}

/** monitorBody with SSH key authentication (ed25519, ssh_auth_type given) on the harness's sshd. */
export function sshKeyBody(
  name: string,
  cluster: PgServer = readTargets().pg.main,
): Record<string, unknown> {
  return withKeyUser(name, cluster, (user) => ({
    ssh_auth_type: 'key',
    ssh_private_key: user.privateKey,
  }));
}

/**
 * monitorBody with the passphrase-protected RSA key on the harness's sshd; no ssh_auth_type,
 * so pgmon infers it from the key.
 */
export function sshRsaKeyBody(
  name: string,
  cluster: PgServer = readTargets().pg.main,
): Record<string, unknown> {
  return withKeyUser(name, cluster, (user) => ({
    ssh_private_key: user.rsaKey,
    ssh_key_passphrase: user.rsaPassphrase,
  }));
}

/** monitorBody with the harness's sshd as its key user, plus that user's `credentials`. */
function withKeyUser(
  name: string,
  cluster: PgServer,
  credentials: (user: SshUser) => Record<string, unknown>,
): Record<string, unknown> {
  const { ssh } = readTargets();
  return {
    ...monitorBody(name, cluster),
    ssh_user: ssh.keyUser.login,
    ssh_port: ssh.port,
    ...credentials(ssh.keyUser),
  };
}
