import type { DiskUsage } from './ssh.types.js';
import { SshError } from './ssh-errors.js';

/** df prints two short lines; anything near this size is not df output. */
export const DF_OUTPUT_LIMIT_BYTES = 64 * 1024;

/**
 * Quotes one argument for a POSIX shell: inside single quotes nothing is special except the
 * quote itself, written as '\''. NUL cannot be passed at all and a newline could end the
 * command on some login shells, so both are refused rather than escaped.
 */
export function quoteShellArg(text: string): string {
  if (/[\0\n\r]/.test(text)) {
    throw new SshError('command_failed', {
      reason: 'unsafe path',
      detail: 'a path with NUL or line breaks cannot be passed to df',
    });
  }
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The fallback command for servers without SFTP statvfs. `env` sets the C locale on any login
 * shell (csh has no `VAR=value cmd`), so that messages and the header are parseable; `--` ends
 * the options, so a path starting with '-' is a path.
 */
export function dfCommand(path: string): string {
  return `env LC_ALL=C df -P -B1 -- ${quoteShellArg(path)}`;
}

const DF_HEADER = /^Filesystem\s+1-blocks\s+Used\s+Available\s+Capacity\s+Mounted on$/;
const DF_ROW = /^(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(\/.*)$/;

/** Parses `df -P -B1` output for one path: exactly a header and one row, or an error. */
export function parseDfOutput(path: string, output: string): DiskUsage {
  const lines = output.replace(/\n$/, '').split('\n');
  if (lines.length !== 2 || !DF_HEADER.test(lines[0] ?? '')) {
    throw unexpectedOutput('expected a header and one row');
  }
  const row = DF_ROW.exec(lines[1] ?? '');
  if (!row) throw unexpectedOutput('the row does not match');
  const [totalBytes, usedBytes, availableBytes] = [row[2], row[3], row[4]].map(byteCount);
  if (usedBytes > totalBytes || availableBytes > totalBytes) {
    throw unexpectedOutput('used or available exceeds the total');
  }
  // df computes Used as blocks - bfree, so this is statvfs's "free" (reserved blocks included).
  const freeBytes = totalBytes - usedBytes;
  return { path, totalBytes, freeBytes, availableBytes, method: 'df' };
}

function byteCount(digits: string | undefined): number {
  const value = Number(digits);
  if (digits === undefined || digits.length > 16 || !Number.isSafeInteger(value)) {
    throw unexpectedOutput('a size is out of range');
  }
  return value;
}

function unexpectedOutput(detail: string): SshError {
  return new SshError('command_failed', { reason: 'unexpected df output', detail });
}

/**
 * Turns a failed df run into an error. Only df's own lines count: the login shell may add
 * its own noise to stderr (sshd's "Could not chdir to home directory ...: No such file or
 * directory"). The text is the server's, so it is matched, never shown.
 */
export function dfFailure(exitCode: number | null, stderr: string): SshError {
  const dfLines = stderr.split('\n').filter((line) => line.startsWith('df: '));
  if (dfLines.some((line) => line.endsWith(': No such file or directory'))) {
    return new SshError('path_not_found', { detail: 'df: no such file or directory' });
  }
  if (dfLines.some((line) => line.endsWith(': Permission denied'))) {
    return new SshError('command_failed', {
      reason: 'permission denied',
      detail: 'df: permission denied',
    });
  }
  const status = exitCode === null ? 'was killed' : `exited with ${exitCode}`;
  return new SshError('command_failed', { detail: `df ${status}` });
}
