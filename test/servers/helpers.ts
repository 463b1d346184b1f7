/**
 * Shared pieces of the servers route tests: request bodies for the harness's real targets,
 * a recorder of every response body (to prove no secret ever leaves the app), an output
 * capture for log checks, and small polling helpers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Response } from 'supertest';
import { bearer, type TestApi } from '../support/api.js';
import { sleep } from '../support/proc.js';
import { readTargets, type PgTarget } from '../support/targets-info.js';

export const targets = readTargets();
export const { ssh: sshd } = targets;
export const LOOPBACK = '127.0.0.1';

/** The seed's fields of a status entry, in the seed's order: every entry starts with them. */
export const SEED_KEYS = [
  'name',
  'host',
  'port',
  'version',
  'connections',
  'uptime_hours',
  'free_space',
  'total_space',
  'status',
];

export interface ErrorInfo {
  code: string;
  message: string;
}

export interface StatusEntry {
  name: string;
  host: string;
  port: number;
  version: string | null;
  connections: Record<string, number> | null;
  uptime_hours: number | null;
  free_space: number | null;
  total_space: number | null;
  status: string;
  pg_error: ErrorInfo | null;
  ssh_error: ErrorInfo | null;
  version_num: number | null;
  data_directory: string | null;
  checked_at: string;
  disk_checked_at: string | null;
  response_ms: number;
  user: string;
  ssh_user: string | null;
  ssh_port: number;
  stats_db: string | null;
  ssh_auth_type: string;
  ssh_host_key: string | null;
  database: string;
  ssl_mode: string;
  has_password: boolean;
  has_ssh_password: boolean;
  has_ssh_private_key: boolean;
  has_ssh_key_passphrase: boolean;
  created_at: string;
  updated_at: string;
}

export interface PoolView {
  minconn: number;
  maxconn: number;
  closed: boolean;
  total: number;
  idle: number;
  waiting: number;
  server: string;
  peak: number;
  acquired: number;
  errors: number;
}

export interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** A server name nobody else uses (test files run in parallel against the same clusters). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** POST /servers body for a cluster, as the pg_monitor-only role, without SSH. */
export function pgBody(name: string, cluster: PgTarget = targets.pg.main): Record<string, unknown> {
  return {
    name,
    host: LOOPBACK,
    port: cluster.port,
    user: cluster.monitorUser,
    password: cluster.monitorPassword,
  };
}

/** POST /servers body with SSH key authentication (ed25519) on the harness's sshd. */
export function sshKeyBody(
  name: string,
  cluster: PgTarget = targets.pg.main,
): Record<string, unknown> {
  return {
    ...pgBody(name, cluster),
    ssh_user: sshd.keyUser.login,
    ssh_port: sshd.port,
    ssh_auth_type: 'key',
    ssh_private_key: sshd.keyUser.privateKey,
  };
}

/**
 * Pieces of text that must never appear in a response or a log: the whole secret, and each
 * long line of key material (a key could leak partially).
 */
export function secretNeedles(secrets: (string | null | undefined)[]): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    for (const line of secret.split('\n')) {
      const trimmed = line.trim();
      if (trimmed.length >= 16 && !trimmed.startsWith('-----')) needles.add(trimmed);
    }
  }
  return [...needles];
}

/** Every secret the harness hands out, plus the ones given. */
export function harnessSecrets(extra: (string | null | undefined)[] = []): string[] {
  const { main, stats, volatile } = targets.pg;
  return secretNeedles([
    main.monitorPassword,
    main.superpassword,
    stats.monitorPassword,
    stats.superpassword,
    volatile.monitorPassword,
    volatile.superpassword,
    sshd.keyUser.privateKey,
    sshd.keyUser.rsaKey,
    sshd.keyUser.rsaPassphrase,
    sshd.passwordUser?.password,
    ...extra,
  ]);
}

export function assertNoSecretIn(text: string, needles: string[], where: string): void {
  for (const needle of needles) {
    assert.ok(!text.includes(needle), `${where} contains a secret (${needle.slice(0, 4)}...)`);
  }
}

interface RecordedBody {
  request: string;
  status: number;
  body: string;
}

/** Records every response body an app sends, server-side (errors and 500s included). */
export class ResponseRecorder {
  readonly bodies: RecordedBody[] = [];

  attach(api: TestApi): void {
    const server: Server = api.app.getHttpServer();
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      const keep = (chunk: unknown): void => {
        if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
        else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      const write = response.write.bind(response) as (...args: unknown[]) => boolean;
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.write = ((chunk: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return write(chunk, ...rest);
      }) as ServerResponse['write'];
      response.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== 'function') keep(chunk);
        return end(chunk, ...rest);
      }) as ServerResponse['end'];
      response.on('finish', () => {
        this.bodies.push({
          request: `${request.method} ${request.url}`,
          status: response.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
  }

  /** Fails when any recorded body holds one of the needles; returns how many were checked. */
  assertNoSecrets(needles: string[]): number {
    for (const recorded of this.bodies) {
      assertNoSecretIn(recorded.body, needles, `${recorded.request} (${recorded.status})`);
    }
    return this.bodies.length;
  }
}

/** Records what is written to stdout/stderr; app log lines are kept out of the test output. */
export class OutputCapture {
  private chunks: string[] = [];
  private readonly restores: (() => void)[] = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const own = Object.getOwnPropertyDescriptor(stream, 'write');
      const forward = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      const write = (chunk: unknown, ...rest: unknown[]): boolean => {
        const text =
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
        this.chunks.push(text);
        if (/\[Nest\] \d+/.test(text)) return true;
        return forward(chunk, ...rest);
      };
      stream.write = write;
      this.restores.push(() => {
        if (own) Object.defineProperty(stream, 'write', own);
        else Reflect.deleteProperty(stream, 'write');
      });
    }
  }

  stop(): void {
    for (const restore of this.restores.splice(0)) restore();
  }

  get text(): string {
    return this.chunks.join('');
  }
}

/** Polls `probe` until it returns a value `accept` likes; fails with the last value after `ms`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  ms: number,
  what: string,
  everyMs = 200,
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

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** The 422's issue locations, e.g. ['body.port']. */
export function issueLocations(response: Response): string[] {
  assert.equal(response.status, 422, response.text);
  const detail = (response.body as { detail: Issue[] }).detail;
  assert.ok(Array.isArray(detail), `detail is a list: ${response.text}`);
  return detail.map((issue) => issue.loc.join('.'));
}

/** Small client for the servers routes of one app, as one user. */
export class ServersClient {
  constructor(
    private readonly api: TestApi,
    private readonly token: string,
  ) {}

  get auth(): { Authorization: string } {
    return bearer(this.token);
  }

  create(body: Record<string, unknown>): Promise<Response> {
    return this.api.http.post('/servers').set(this.auth).send(body);
  }

  /** POST /servers that must answer 201; returns the entry. */
  async created(body: Record<string, unknown>): Promise<StatusEntry> {
    const response = await this.create(body);
    assert.equal(response.status, 201, response.text);
    return response.body as StatusEntry;
  }

  get(name: string): Promise<Response> {
    return this.api.http.get(`/servers/${encodeURIComponent(name)}`).set(this.auth);
  }

  /** GET /servers/{name} that must answer 200; returns the entry. */
  async entry(name: string): Promise<StatusEntry> {
    const response = await this.get(name);
    assert.equal(response.status, 200, response.text);
    return response.body as StatusEntry;
  }

  async list(): Promise<StatusEntry[]> {
    const response = await this.api.http.get('/servers').set(this.auth);
    assert.equal(response.status, 200, response.text);
    return response.body as StatusEntry[];
  }

  update(name: string, body: Record<string, unknown>): Promise<Response> {
    return this.api.http
      .put(`/servers/${encodeURIComponent(name)}`)
      .set(this.auth)
      .send(body);
  }

  /** PUT /servers/{name} that must answer 200; returns the entry. */
  async updated(name: string, body: Record<string, unknown>): Promise<StatusEntry> {
    const response = await this.update(name, body);
    assert.equal(response.status, 200, response.text);
    return response.body as StatusEntry;
  }

  remove(name: string): Promise<Response> {
    return this.api.http.delete(`/servers/${encodeURIComponent(name)}`).set(this.auth);
  }

  test(name: string): Promise<Response> {
    return this.api.http.post(`/servers/${encodeURIComponent(name)}/test`).set(this.auth);
  }

  sessions(name: string, query = ''): Promise<Response> {
    return this.api.http
      .get(`/server_stats/${encodeURIComponent(name)}${query ? `?${query}` : ''}`)
      .set(this.auth);
  }

  async pools(): Promise<Record<string, PoolView>> {
    const response = await this.api.http.get('/api/pools/status').set(this.auth);
    assert.equal(response.status, 200, response.text);
    return response.body as Record<string, PoolView>;
  }

  /** The pools of one server (several servers may share a host:port:user:database key). */
  async poolsOf(name: string): Promise<[string, PoolView][]> {
    return Object.entries(await this.pools()).filter(([, pool]) => pool.server === name);
  }

  /** The one pool of a server; fails when it has none or several. */
  async pool(name: string): Promise<PoolView> {
    const pools = await this.poolsOf(name);
    assert.equal(pools.length, 1, JSON.stringify(pools));
    const [[, pool]] = pools;
    return pool;
  }
}

/** True for `x` with at most two decimals (as the seed's uptime_hours). */
export function hasAtMostTwoDecimals(value: number): boolean {
  return Math.abs(Math.round(value * 100) - value * 100) < 1e-6;
}

export function isIsoTimestamp(text: unknown): boolean {
  return typeof text === 'string' && new Date(text).toISOString() === text;
}
