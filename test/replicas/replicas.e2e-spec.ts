/**
 * Several API replicas and collectors on one PostgreSQL store and one real Redis (REDIS_URL):
 * a login lockout reached through one replica holds on the others, a disabled user is refused
 * by all at once, and three replicas polling GET /servers read the target no more often than
 * one replica does (one read per server and TTL, whoever asks).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { freePort } from '../support/ports.js';
import { BOOT_TIMEOUT_MS, NodeProcess, tempDir } from '../support/processes.js';
import { sleep } from '../support/proc.js';
import { readTargets } from '../support/targets-info.js';

const targets = readTargets();
const API_MAIN = fileURLToPath(new URL('../../apps/api/src/main.js', import.meta.url));
const COLLECTOR_MAIN = fileURLToPath(new URL('../../apps/collector/src/main.js', import.meta.url));
const ADMIN_PASSWORD = 'replicas-admin-password';
const POLL_MS = 100;
const POLL_FOR_MS = 20_000;

interface Replica {
  process: NodeProcess;
  url: string;
}

async function call(
  url: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; form?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const response = await fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function login(url: string, username: string, password: string): Promise<string> {
  const answer = await call(url, '/token', { method: 'POST', form: { username, password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as { access_token: string }).access_token;
}

/** Calls of pgmon's live status query (not the collector's sample) that reached the target so far. */
async function statusReads(database: string): Promise<number> {
  const result = await adminQuery<{ calls: string }>(
    targets.pg.main,
    `select coalesce(sum(calls), 0)::text as calls from pg_stat_statements
      where dbid = (select oid from pg_database where datname = $1)
        and query like '%as uptime_hours%'`,
    [database],
  );
  return Number(result.rows[0]?.calls ?? 0);
}

/** Resolves once the replica answers GET /api/health with 200. */
async function healthy(url: string, child: NodeProcess): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    assert.ok(child.running, `the replica exited:\n${child.output}`);
    const ok = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  assert.fail(`${url} not healthy:\n${child.output}`);
}

/** GET /servers every POLL_MS on each replica for POLL_FOR_MS. */
async function poll(replicas: Replica[], token: string): Promise<void> {
  const until = Date.now() + POLL_FOR_MS;
  await Promise.all(
    replicas.map(async (replica) => {
      while (Date.now() < until) {
        const answer = await call(replica.url, '/servers', { token });
        assert.equal(answer.status, 200);
        await sleep(POLL_MS);
      }
    }),
  );
}

describe('Several replicas on one store and one Redis', () => {
  let store: TestDatabase;
  let target: TestDatabase;
  const replicas: Replica[] = [];
  const collectors: NodeProcess[] = [];
  let admin: string;

  before(async () => {
    store = await createDatabase(targets.pg.main, 'replicas_store');
    target = await createDatabase(targets.pg.main, 'replicas_target');
    await adminQuery(
      targets.pg.main,
      `grant connect on database "${target.name}" to ${targets.pg.main.monitorUser}`,
    );
    const shared = {
      DATABASE_URL: store.url,
      REDIS_URL: targets.redis.url,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'WARNING',
      LOGIN_MAX_FAILURES: '3',
      STATUS_CACHE_TTL: '5',
      COLLECT_INTERVAL: '3600',
    };
    // The first replica migrates the store and creates admin; the others start after it.
    for (let n = 0; n < 3; n++) {
      const port = await freePort();
      const child = NodeProcess.spawn(
        [API_MAIN],
        { ...shared, PORT: String(port), HOST: '127.0.0.1', COLLECTOR_ENABLED: 'false' },
        tempDir('pgmon-replica-'),
      );
      replicas.push({ process: child, url: `http://127.0.0.1:${port}` });
      await healthy(`http://127.0.0.1:${port}`, child);
    }
    for (let n = 0; n < 2; n++) {
      const child = NodeProcess.spawn([COLLECTOR_MAIN], shared, tempDir('pgmon-collector-'));
      collectors.push(child);
    }
    admin = await login(replicas[0]?.url ?? '', 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await Promise.all([...replicas.map((r) => r.process), ...collectors].map((p) => p.stop()));
    await store?.drop();
    await target?.drop();
  });

  const [a, b] = [0, 1].map((n) => () => replicas[n]);

  it('refuses a disabled user on every replica at once', async () => {
    const created = await call(a().url, '/users', {
      method: 'POST',
      token: admin,
      body: { login: 'replica-viewer', password: 'replica viewer password', role: 'viewer' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const token = await login(b().url, 'replica-viewer', 'replica viewer password');
    for (const replica of replicas) {
      assert.equal((await call(replica.url, '/users/me', { token })).status, 200);
    }
    const disabled = await call(a().url, '/users/replica-viewer', {
      method: 'PUT',
      token: admin,
      body: { is_active: false },
    });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    for (const replica of replicas) {
      assert.equal((await call(replica.url, '/users/me', { token })).status, 401, replica.url);
    }
  });

  it('reads the target no more often with three replicas polling than with one', async (t) => {
    const created = await call(a().url, '/servers', {
      method: 'POST',
      token: admin,
      body: {
        name: 'replicas-target',
        host: '127.0.0.1',
        port: targets.pg.main.port,
        user: targets.pg.main.monitorUser,
        password: targets.pg.main.monitorPassword,
        database: target.name,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const start = await statusReads(target.name);
    await poll([a()], admin);
    const one = (await statusReads(target.name)) - start;
    await poll(replicas, admin);
    const three = (await statusReads(target.name)) - start - one;
    t.diagnostic(`status reads in ${POLL_FOR_MS / 1000} s: one replica ${one}, three ${three}`);
    assert.ok(one >= 3, `${one}: one replica read the target`);
    assert.ok(three <= one + 1, `three replicas read ${three} times, one replica ${one}`);
  });
  // Last: the lockout it reaches holds for this address on every replica.
  it('holds a login lockout reached through one replica on the other', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = await call(a().url, '/token', {
        method: 'POST',
        form: { username: 'admin', password: `wrong-${i}` },
      });
      assert.equal(wrong.status, 401);
    }
    const elsewhere = await call(b().url, '/token', {
      method: 'POST',
      form: { username: 'nobody-else', password: 'wrong' },
    });
    assert.equal(elsewhere.status, 429, 'the client address is locked out on replica b too');
  });
});
