/**
 * Shared pieces of the servers route tests: the status entry and pool shapes, the secrets the
 * harness hands out (none may ever leave the app), and a client for the servers routes.
 * Request bodies, the response recorder, the output capture and the polling helpers are in
 * test/support/.
 */
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { bearer, type TestApi } from '../support/api.js';
import { readTargets } from '../support/targets-info.js';

export const targets = readTargets();
export const { ssh: sshd } = targets;

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
