import { readFile, mkdtemp, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { exec } from '../support/proc.js';
import { freePort } from '../support/ports.js';
import { spawnSshd, stopSshd, waitForSshBanner } from '../support/sshd.js';

/**
 * A second, real OpenSSH server for this test file alone: without the SFTP subsystem (so the
 * df fallback runs over a real remote shell) and with a verbose log nobody else writes to (so
 * a test can tell which authentication attempts reached the server).
 */
export interface PrivateSshd {
  port: number;
  hostKeyFingerprint: string;
  /** Current size of the log, to read only what comes after. */
  logOffset(): Promise<number>;
  logSince(offset: number): Promise<string>;
  stop(): Promise<void>;
}

export interface PrivateSshdOptions {
  dir: string;
  /** login -> public key lines it may log in with. */
  authorizedKeys: Record<string, string>;
  passwordLogin?: string;
}

export async function startPrivateSshd(options: PrivateSshdOptions): Promise<PrivateSshd> {
  const dir = await mkdtemp(path.join(options.dir, 'sshd-'));
  await chmod(dir, 0o755);
  const hostKey = path.join(dir, 'host_ed25519_key');
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const listed = await exec('ssh-keygen', ['-l', '-f', `${hostKey}.pub`]);
  const hostKeyFingerprint = listed.stdout.split(' ')[1] ?? '';
  for (const [login, keys] of Object.entries(options.authorizedKeys)) {
    await writeFile(path.join(dir, `authorized_keys.${login}`), keys, { mode: 0o644 });
  }
  const port = await freePort();
  const logins = [...Object.keys(options.authorizedKeys), options.passwordLogin ?? []].flat();
  const config = path.join(dir, 'sshd_config');
  await writeFile(config, sshdConfig({ dir, hostKey, port, logins, options }), { mode: 0o644 });
  const logFile = path.join(dir, 'sshd.log');
  const sshd = await spawnSshd(config, logFile);
  await waitForSshBanner(port, sshd, { timeoutMs: 10_000, logFile });
  return {
    port,
    hostKeyFingerprint,
    logOffset: async () => (await readFile(logFile)).length,
    logSince: async (offset) => (await readFile(logFile)).subarray(offset).toString('utf8'),
    stop: () => stopSshd(sshd),
  };
}

function sshdConfig(spec: {
  dir: string;
  hostKey: string;
  port: number;
  logins: string[];
  options: PrivateSshdOptions;
}): string {
  return [
    `Port ${spec.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${spec.hostKey}`,
    `PidFile ${path.join(spec.dir, 'sshd.pid')}`,
    'LogLevel VERBOSE',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin no',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${spec.options.passwordLogin ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    `AuthorizedKeysFile ${spec.dir}/authorized_keys.%u`,
    `AllowUsers ${spec.logins.join(' ')}`,
    'UseDNS no',
    'PrintMotd no',
    // No "Subsystem sftp" line: SFTP is unavailable, as on a server that disabled it.
    '',
  ].join('\n');
}
