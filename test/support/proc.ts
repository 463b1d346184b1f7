/**
 * Small process helpers shared by the test-target code (targets.ts, clusters.ts).
 * Test files should not need this directly.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface ExecOptions {
  /** Working directory of the child (defaults to the current one). */
  cwd?: string;
  /**
   * Run the command as this OS user through `runuser -u USER --` (only when the current
   * process is root; ignored otherwise).
   */
  runAs?: string | null;
  /** Text written to the child's stdin (stdin is closed right after). */
  input?: string;
  /** Kill the child (SIGKILL) after this many milliseconds. Default 120 s. */
  timeoutMs?: number;
  /**
   * Start the child in its own process group/session, so that a Ctrl-C sent to the
   * runner's process group does not reach it (used for pg_ctl, whose postgres must be
   * stopped by the teardown, not by the terminal).
   */
  detached?: boolean;
  /** Resolve instead of rejecting on a non-zero exit status. */
  allowFailure?: boolean;
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

const RUNUSER = existsSync('/usr/sbin/runuser')
  ? '/usr/sbin/runuser'
  : existsSync('/sbin/runuser')
    ? '/sbin/runuser'
    : 'runuser';

/** The argv that runs `cmd args` as `runAs` when we are root, or unchanged otherwise. */
export function commandFor(
  cmd: string,
  args: readonly string[],
  runAs?: string | null,
): [string, string[]] {
  if (runAs && isRoot()) return [RUNUSER, ['-u', runAs, '--', cmd, ...args]];
  return [cmd, [...args]];
}

/** Last `lines` lines of `text`. */
export function tail(text: string, lines = 30): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/** Last lines of a log file, or a note saying it could not be read. */
export async function tailFile(file: string, lines = 30): Promise<string> {
  try {
    return tail(await readFile(file, 'utf8'), lines);
  } catch (err) {
    return `(could not read ${file}: ${(err as Error).message})`;
  }
}

/** Run a command to completion, collecting its output. Rejects on non-zero exit unless allowFailure. */
export function exec(
  cmd: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const [file, argv] = commandFor(cmd, args, opts.runAs);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const shown = [cmd, ...args].join(' ');
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      detached: opts.detached ?? false,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${shown}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: ExecResult = { code, signal, stdout, stderr };
      if (timedOut) {
        reject(
          new Error(`${shown} timed out after ${timeoutMs} ms\n${tail(stderr || stdout, 20)}`),
        );
      } else if (code !== 0 && !opts.allowFailure) {
        const why = code === null ? `killed by ${signal}` : `exited with status ${code}`;
        reject(new Error(`${shown} ${why}\n${tail(stderr || stdout, 20)}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {
      /* the child may exit without reading its stdin */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** uid and gid of an OS user, or null when there is no such user. */
export async function lookupUser(name: string): Promise<{ uid: number; gid: number } | null> {
  const res = await exec('getent', ['passwd', name], { allowFailure: true });
  if (res.code !== 0) return null;
  const fields = res.stdout.trim().split(':');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
