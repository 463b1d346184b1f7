/**
 * Running a real OpenSSH server: the harness's shared sshd (targets.ts) and the private ones
 * of single test files are started, awaited and stopped the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open, readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { sleep, tailFile } from './proc.js';

export const SSHD = '/usr/sbin/sshd';

/**
 * `sshd -D -e -f <config>` (in the foreground, logging to stderr) with its output appended to
 * `logFile`; resolves once the process was spawned. `detached` gives it a session of its own,
 * so a Ctrl-C in the terminal does not kill it before the teardown does.
 */
export async function spawnSshd(
  config: string,
  logFile: string,
  { detached = false } = {},
): Promise<ChildProcess> {
  const log = await open(logFile, 'a', 0o644);
  try {
    const child = spawn(SSHD, ['-D', '-e', '-f', config], {
      stdio: ['ignore', log.fd, log.fd],
      detached,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return child;
  } finally {
    await log.close();
  }
}

/**
 * Waits until 127.0.0.1:`port` answers with an SSH-2.0- banner. Throws when sshd exits first
 * or `timeoutMs` pass (with the tail of `logFile`, when given).
 */
export async function waitForSshBanner(
  port: number,
  sshd: ChildProcess,
  { timeoutMs, logFile }: { timeoutMs: number; logFile?: string },
): Promise<void> {
  const fail = async (message: string): Promise<never> => {
    const log = logFile ? `\n--- ${logFile} (tail)\n${await tailFile(logFile)}` : '';
    throw new Error(`${message}${log}`);
  };
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (sshd.exitCode !== null || sshd.signalCode !== null) {
      return fail(`sshd exited early (${sshd.exitCode ?? sshd.signalCode})`);
    }
    try {
      const banner = await readBanner(port, Math.max(500, deadline - Date.now()));
      if (banner.startsWith('SSH-2.0-')) return;
      lastError = `unexpected banner ${JSON.stringify(banner)}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(50);
  }
  return fail(`sshd did not answer with an SSH-2.0- banner within ${timeoutMs} ms: ${lastError}`);
}

function readBanner(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no banner yet'));
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.split('\n')[0].trim());
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!data.includes('\n'))
        reject(new Error(`connection closed (got ${JSON.stringify(data)})`));
    });
  });
}

/** pids of all live descendants of `pid` (Linux /proc). */
async function descendants(pid: number): Promise<number[]> {
  const parentOf = new Map<number, number>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const statLine = await readFile(`/proc/${e}/stat`, 'utf8');
          // pid (comm) state ppid ...: comm may contain spaces/parentheses.
          const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
          parentOf.set(Number(e), Number(fields[1]));
        } catch {
          /* process gone */
        }
      }),
  );
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift() as number;
    for (const [child, parent] of parentOf) {
      if (parent === current) {
        result.push(child);
        queue.push(child);
      }
    }
  }
  return result;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/**
 * Stops sshd and the per-connection processes it forked (they run in sessions of their own
 * and would outlive the listener): SIGTERM, then SIGKILL for what is left after 5 s.
 */
export async function stopSshd(sshd: ChildProcess): Promise<void> {
  if (sshd.pid === undefined || sshd.exitCode !== null || sshd.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => sshd.once('exit', () => resolve()));
  const children = await descendants(sshd.pid);
  for (const pid of children) signal(pid, 'SIGTERM');
  signal(sshd.pid, 'SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
  if (timedOut) {
    for (const pid of await descendants(sshd.pid)) signal(pid, 'SIGKILL');
    signal(sshd.pid, 'SIGKILL');
    await exited;
  }
  // Session processes still there after a moment (they were re-parented when sshd exited);
  // the name check keeps a pid that was reused meanwhile safe.
  await sleep(100);
  for (const pid of children) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (/^sshd(-session)?$/.test(comm.trim())) signal(pid, 'SIGKILL');
  }
}
