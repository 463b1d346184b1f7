/**
 * Shared pieces of the deployment tests: paths of the repository and of the built entry points,
 * child processes (the CLI run to completion, the API and the collector kept running), free
 * ports, temp directories and a read-only look into a SQLite store.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { sleep } from '../support/proc.js';

/** The repository (this file runs from dist/test/deploy/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
export const CLI_MAIN = join(ROOT, 'dist/apps/cli/src/main.js');
export const COLLECTOR_MAIN = join(ROOT, 'dist/apps/collector/src/main.js');

/** A Nest boot costs ~2 s of CPU, and several test files run at once. */
export const BOOT_TIMEOUT_MS = 60_000;

export function repoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A random secret of `bytes` bytes, URL-safe base64. */
export function secret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** A name nobody else uses (test files run in parallel against the same clusters). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The environment of a child: PATH and HOME only, plus `env`. Nothing of the test process
 * (its DATA_DIR, keys, PGMON_TEST_TARGETS...) leaks into what is tested.
 */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
  };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`), collecting its output. */
export function run(
  command: string,
  args: string[],
  options: { env: Record<string, string | undefined>; cwd: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? BOOT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `node dist/apps/cli/src/main.js <args>` in `cwd` (a temp dir, so no .env is read). */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<RunResult> {
  return run(process.execPath, ['--enable-source-maps', CLI_MAIN, ...args], { env, cwd });
}

/** Fails with the whole output when the run did not end with `code`. */
export function assertExit(result: RunResult, code: number, what: string): void {
  assert.equal(
    result.code,
    code,
    `${what}: exit ${String(result.code ?? result.signal)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
  );
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A long-running Node process (the API or the collector): output kept, stopped by signal. */
export class NodeProcess {
  private out = '';
  private err = '';
  private exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** `node <args>` with `env` only (see childEnv), in `cwd`. */
  static spawn(args: string[], env: Record<string, string | undefined>, cwd: string): NodeProcess {
    const child = spawn(process.execPath, args, {
      cwd,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new NodeProcess(child);
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get output(): string {
    return `${this.out}${this.err}`;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = BOOT_TIMEOUT_MS): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (!this.running || Date.now() > deadline) {
        throw new Error(`no ${String(pattern)} in the output:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  /** Resolves with the exit, or undefined when the process still runs after `ms`. */
  async exitWithin(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const exit = await this.exitWithin(graceMs);
    if (exit) return exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** The API's main.js as a child, listening on 127.0.0.1:<free port>. */
export async function spawnApi(
  env: Record<string, string | undefined>,
  cwd: string,
  entry: string = API_MAIN,
): Promise<{ api: NodeProcess; port: number; url: string }> {
  const port = await freePort();
  const api = NodeProcess.spawn(
    ['--enable-source-maps', entry],
    { HOST: '127.0.0.1', PORT: String(port), ...env },
    cwd,
  );
  await api.waitForOutput(/listening on http/);
  return { api, port, url: `http://127.0.0.1:${port}` };
}

/** POST /token on a running API; returns the access token. */
export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `login ${username}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

/** GET `path` with a bearer token; returns the status and the parsed JSON body. */
export async function getJson<T>(
  url: string,
  path: string,
  token: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as T };
}

/** Polls `probe` until `accept` likes its value; fails with the last value after `ms`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  ms: number,
  what: string,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) {
      assert.fail(`${what}: not reached within ${ms} ms; last: ${JSON.stringify(last)}`);
    }
    await sleep(everyMs);
    last = await probe();
  }
  return last;
}

export interface StoredServer {
  name: string;
  host: string;
  port: number;
  pg_user: string;
  pg_password: string | null;
  ssh_user: string | null;
  ssh_port: number;
  ssh_password: string | null;
  stats_db: string | null;
}

export interface StoredUser {
  login: string;
  password_hash: string;
  role: string;
}

/** What a SQLite store under DATA_DIR holds (opened read-only; nothing when there is no file). */
export function readSqliteStore(dataDir: string): { servers: StoredServer[]; users: StoredUser[] } {
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(join(dataDir, 'pgmon.db'), {
      readonly: true,
      fileMustExist: true,
    });
  } catch {
    return { servers: [], users: [] };
  }
  try {
    const tables = new Set(
      database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((row) => (row as { name: string }).name),
    );
    const servers = tables.has('servers')
      ? (database
          .prepare(
            'SELECT name, host, port, pg_user, pg_password, ssh_user, ssh_port, ssh_password, stats_db FROM servers ORDER BY name',
          )
          .all() as StoredServer[])
      : [];
    const users = tables.has('users')
      ? (database
          .prepare('SELECT login, password_hash, role FROM users ORDER BY login')
          .all() as StoredUser[])
      : [];
    return { servers, users };
  } finally {
    database.close();
  }
}
