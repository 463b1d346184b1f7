/**
 * Shared pieces of the deployment tests: paths of the repository and of the built entry points,
 * the CLI run to completion, the API kept running (test/support/processes.ts), the registration
 * file of the Compose setup, and a read-only look into a SQLite store.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { freePort } from '../support/ports.js';
import { BOOT_TIMEOUT_MS, childEnv, NodeProcess } from '../support/processes.js';
import { readTargets } from '../support/targets-info.js';

/** The repository (this file runs from dist/test/deploy/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
export const CLI_MAIN = join(ROOT, 'dist/apps/cli/src/main.js');
export const COLLECTOR_MAIN = join(ROOT, 'dist/apps/collector/src/main.js');

export function repoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** Variables that hold a secret (.env.example leaves them empty; tests fill them). */
export const SECRET_NAME = /PASSWORD|SECRET|_KEY$|TOKEN/;

/** GET /api/collector/status, the fields the tests read. */
export interface CollectorStatus {
  collector_in_this_process: boolean;
  interval_seconds: number;
  servers: { server: string; last_success_at: string | null; healthy: boolean }[];
}

/** A random secret of `bytes` bytes, URL-safe base64. */
export function secret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
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
  options: {
    env: Record<string, string | undefined>;
    cwd: string;
    timeoutMs?: number;
    /** Written to its standard input, which is then closed (at once without it). */
    input?: string;
  },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(options.input);
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

/** An entry of a registration file (`pgmon servers apply --file`). */
export type TargetEntry = Record<string, string | number>;

/**
 * A registration file like deploy/compose/targets.json, for the test clusters: `nameA` on the
 * main cluster with SSH (as the harness's password user, when there is one), `nameB` on the
 * stats cluster without. Its secrets are ${VAR} references, see targetVariables().
 */
export function composeTargets(nameA: string, nameB: string): TargetEntry[] {
  const { pg, ssh } = readTargets();
  return [
    {
      name: nameA,
      host: '127.0.0.1',
      port: pg.main.port,
      user: pg.main.monitorUser,
      password: '${TARGET_MONITOR_PASSWORD}',
      ...(ssh.passwordUser && {
        ssh_user: ssh.passwordUser.login,
        ssh_password: '${TARGET_SSH_PASSWORD}',
        ssh_port: ssh.port,
      }),
    },
    {
      name: nameB,
      host: '127.0.0.1',
      port: pg.stats.port,
      user: pg.stats.monitorUser,
      password: '${TARGET_B_MONITOR_PASSWORD}',
    },
  ];
}

/** The values of the ${VAR} references of composeTargets(). */
export function targetVariables(): Record<string, string | undefined> {
  const { pg, ssh } = readTargets();
  return {
    TARGET_MONITOR_PASSWORD: pg.main.monitorPassword,
    TARGET_B_MONITOR_PASSWORD: pg.stats.monitorPassword,
    TARGET_SSH_PASSWORD: ssh.passwordUser?.password,
  };
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
