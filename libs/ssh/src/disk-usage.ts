import type { SFTPWrapper } from 'ssh2';
import { DF_OUTPUT_LIMIT_BYTES, dfCommand, dfFailure, parseDfOutput } from './df.js';
import { SFTP_STATUS, SshError, sftpStatusOf, toSshError } from './ssh-errors.js';
import type { SshSession } from './ssh-session.js';
import type { DiskUsage } from './ssh.types.js';

/**
 * Disk usage of the filesystem holding `path`: SFTP statvfs@openssh.com first, since it passes
 * the path as data and runs no shell at all; `df` only when the server has no SFTP subsystem
 * or no statvfs extension.
 */
export async function readDiskUsage(session: SshSession, path: string): Promise<DiskUsage> {
  const sftp = await session.openSftp().catch(() => undefined);
  if (sftp) {
    try {
      const reply = await statvfs(sftp, path);
      if (reply !== undefined) return usageFromStatvfs(path, reply);
    } finally {
      sftp.end();
    }
  }
  return dfUsage(session, path);
}

/**
 * The statvfs reply, or undefined when the server does not offer the extension (ssh2 throws
 * synchronously) or answers "operation unsupported".
 */
function statvfs(sftp: SFTPWrapper, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onReply = (error: Error | undefined, reply: unknown) => {
      if (!error) resolve(reply);
      else if (sftpStatusOf(error) === SFTP_STATUS.OP_UNSUPPORTED) resolve(undefined);
      else reject(toSshError(error));
    };
    try {
      sftp.ext_openssh_statvfs(path, onReply);
    } catch {
      resolve(undefined);
    }
  });
}

/**
 * Sizes from a statvfs reply: total = blocks * frsize, free = bfree * frsize,
 * available = bavail * frsize (what df calls Available).
 */
export function usageFromStatvfs(path: string, reply: unknown): DiskUsage {
  const field = (name: string) => blockCount(reply, name);
  // Some filesystems leave f_frsize at 0; statvfs(3) then means f_bsize.
  const blockSize = field('f_frsize') || field('f_bsize');
  const sizes = [field('f_blocks'), field('f_bfree'), field('f_bavail')].map((n) => n * blockSize);
  const [totalBytes = 0, freeBytes = 0, availableBytes = 0] = sizes;
  if (!sizes.every(Number.isSafeInteger) || freeBytes > totalBytes || availableBytes > freeBytes) {
    throw new SshError('protocol_error', { detail: 'implausible statvfs reply' });
  }
  return { path, totalBytes, freeBytes, availableBytes, method: 'statvfs' };
}

function blockCount(reply: unknown, name: string): number {
  const value: unknown =
    typeof reply === 'object' && reply !== null
      ? (reply as Record<string, unknown>)[name]
      : undefined;
  const count = typeof value === 'bigint' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new SshError('protocol_error', { detail: `statvfs reply without a valid ${name}` });
  }
  return count;
}

async function dfUsage(session: SshSession, path: string): Promise<DiskUsage> {
  const result = await session.exec(dfCommand(path), DF_OUTPUT_LIMIT_BYTES);
  if (result.exitCode !== 0) throw dfFailure(result.exitCode, result.stderr);
  return parseDfOutput(path, result.stdout);
}
