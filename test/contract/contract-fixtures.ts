/**
 * What the contract test's calls act on: for each path parameter, an object that exists on the
 * real app and the real targets (a server on the main cluster, a user, a live session, a
 * notification channel, a silence, an SSH key, a statement pgmon stored), one that does not,
 * and servers whose target fails; for the query parameters that must name something that
 * exists (a server to filter by, the time of a session sample), such a value. A parameter
 * without an entry here is given its documented example.
 */
import assert from 'node:assert/strict';
import { SessionSampleTask, StatementsSnapshotTask } from '#insight';
import { ServersService } from '#servers';
import { bearer, type TestApi } from '../support/api.js';
import { adminQuery } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { connectAs, createRole, type TestRole } from '../sessions/session-clients.js';

/**
 * A parameter's value, and the body fields that must go with it (a session's backend_start).
 * `in: 'query'` marks a query parameter's value.
 */
export interface PathValue {
  value: string;
  body?: Record<string, unknown>;
  in?: 'query';
}

export interface FixtureContext {
  api: TestApi;
  adminToken: string;
  /** Registers work to undo once the operation's tests are over. */
  onRelease: (release: () => Promise<void>) => void;
  /** The values of the parameters before this one (the server of a statement). */
  resolved: Record<string, PathValue>;
}

export interface PathFixture {
  /** An object the call can act on, made for one operation. */
  existing(context: FixtureContext): Promise<PathValue>;
  /** A value naming nothing. */
  missing?: string;
  /** Objects that exist but whose target fails (refuses, or never answers). */
  failing?(context: FixtureContext): Promise<string[]>;
}

/** No call of the contract test may hang the run: one that does fails, naming itself. */
export const CALL_TIMEOUT = { response: 20_000, deadline: 30_000 };

export const PATH_FIXTURES: Record<string, PathFixture> = {
  server_name: {
    // The actions role (pg_monitor and pg_signal_backend), so that session actions can succeed.
    existing: async (context) => ({ value: await createServer(context, {}) }),
    missing: 'no-such-server',
    failing: (context) => {
      const { closedPort, silentPort } = readTargets();
      return Promise.all([closedPort, silentPort].map((port) => createServer(context, { port })));
    },
  },
  login: {
    existing: async ({ api }) => {
      const login = uniqueName('contract-user');
      await api.createUser(login, 'viewer');
      return { value: login };
    },
    missing: 'no-such-user',
  },
  db_name: {
    existing: () => Promise.resolve({ value: 'postgres' }),
    missing: 'no_such_database',
  },
  pid: {
    existing: liveSession,
    missing: '2147483647',
  },
  name: {
    existing: async (context) => ({ value: await createChannel(context) }),
    missing: 'no-such-channel',
  },
  id: {
    existing: async (context) => ({ value: await createSilence(context) }),
    missing: '2147483647',
  },
  key_id: {
    existing: async (context) => ({ value: await createSshKey(context) }),
    missing: '00000000-0000-4000-8000-000000000000',
  },
  queryid: {
    existing: async (context) => ({ value: await storedStatement(context) }),
    missing: '1',
  },
};

/** Query parameters whose value must name something that exists. */
export const QUERY_FIXTURES: Record<string, PathFixture> = {
  server: {
    existing: async (context) => ({ value: await createServer(context, {}), in: 'query' }),
  },
  ts: {
    existing: async (context) => ({ value: await sampledAt(context), in: 'query' }),
  },
};

async function createServer(
  { api, adminToken, onRelease }: FixtureContext,
  extra: Record<string, unknown>,
): Promise<string> {
  const main = readTargets().pg.main;
  const name = uniqueName('contract');
  const body = monitorBody(name, main, {
    user: main.actionsUser,
    password: main.actionsPassword,
    ...extra,
  });
  const created = await api.http
    .post('/servers')
    .set(bearer(adminToken))
    .timeout(CALL_TIMEOUT)
    .send(body);
  assert.equal(created.status, 201, created.text);
  // Deleted by name first: listing the servers would wait for the ones that never answer.
  onRelease(async () => {
    await api.http.delete(`/servers/${name}`).set(bearer(adminToken)).timeout(CALL_TIMEOUT);
  });
  return name;
}

function serverOf({ resolved }: FixtureContext): string {
  const server = resolved.server_name?.value;
  assert.ok(server, 'the server_name fixture comes first');
  return server;
}

/**
 * A webhook channel whose receiver refuses at once (the closed port): a test message is
 * answered quickly, with what went wrong.
 */
async function createChannel({ api, adminToken, onRelease }: FixtureContext): Promise<string> {
  const name = uniqueName('contract-channel');
  const url = `http://127.0.0.1:${readTargets().closedPort}/hook`;
  const created = await api.http
    .post('/notification-channels')
    .set(bearer(adminToken))
    .timeout(CALL_TIMEOUT)
    .send({ name, type: 'webhook', url });
  assert.equal(created.status, 201, created.text);
  onRelease(async () => {
    await api.http
      .delete(`/notification-channels/${name}`)
      .set(bearer(adminToken))
      .timeout(CALL_TIMEOUT);
  });
  return name;
}

async function createSilence({ api, adminToken, onRelease }: FixtureContext): Promise<string> {
  const created = await api.http
    .post('/silences')
    .set(bearer(adminToken))
    .timeout(CALL_TIMEOUT)
    .send({ check: 'disk_free', until: '2099-01-01T00:00:00Z', comment: 'contract test' });
  assert.equal(created.status, 201, created.text);
  const id = String((created.body as { id: number }).id);
  onRelease(async () => {
    await api.http.delete(`/silences/${id}`).set(bearer(adminToken)).timeout(CALL_TIMEOUT);
  });
  return id;
}

async function createSshKey({ api, adminToken, onRelease }: FixtureContext): Promise<string> {
  const created = await api.http
    .post('/api/ssh-keys/generate')
    .set(bearer(adminToken))
    .timeout(CALL_TIMEOUT)
    .send({ name: uniqueName('contract-key'), key_type: 'ed25519' });
  assert.equal(created.status, 201, created.text);
  const id = (created.body as { id: string }).id;
  onRelease(async () => {
    await api.http.delete(`/api/ssh-keys/${id}`).set(bearer(adminToken)).timeout(CALL_TIMEOUT);
  });
  return id;
}

/**
 * A statement of the documented examples' database and user (postgres, postgres) that pgmon
 * stored: run between two snapshots of the server, as the collector takes them.
 */
async function storedStatement(context: FixtureContext): Promise<string> {
  const { api, adminToken } = context;
  const name = serverOf(context);
  const server = await api.app.get(ServersService).get(name);
  const snapshots = api.app.get(StatementsSnapshotTask);
  const from = new Date(Date.now() - 60_000).toISOString();
  await snapshots.run(server);
  await adminQuery(readTargets().pg.main, 'select $1::int + 1 as contract_statement', [1]);
  await snapshots.run(server);
  const listed = await api.http
    .get(`/server/${name}/queries`)
    .query({ database: 'postgres', user: 'postgres', start_date: from })
    .set(bearer(adminToken))
    .timeout(CALL_TIMEOUT);
  assert.equal(listed.status, 200, listed.text);
  const queryid = (listed.body as { queries: { queryid: string }[] }).queries[0]?.queryid;
  assert.ok(queryid, `a statement was stored: ${listed.text}`);
  return queryid;
}

/** The time of a session sample of the server, taken now as the collector takes it. */
async function sampledAt(context: FixtureContext): Promise<string> {
  const { api } = context;
  const server = await api.app.get(ServersService).get(serverOf(context));
  await api.app.get(SessionSampleTask).run(server);
  return new Date().toISOString();
}

/** A client session of a role of its own on the main cluster, idle, with its backend_start. */
async function liveSession({ onRelease }: FixtureContext): Promise<PathValue> {
  const main = readTargets().pg.main;
  const role: TestRole = await createRole(main, 'contract');
  const client = await connectAs(main, role, 'postgres', 'pgmon-contract-session');
  onRelease(async () => {
    await client.end().catch(() => undefined);
    await role.drop();
  });
  const { rows } = await client.query<{ pid: number; backend_start: Date }>(
    'select pid, backend_start from pg_stat_activity where pid = pg_backend_pid()',
  );
  const session = rows[0];
  assert.ok(session, 'the session sees itself');
  return {
    value: String(session.pid),
    body: { backend_start: session.backend_start.toISOString() },
  };
}

/**
 * Removes every server, SSH key and notification channel, and every user but `keep`, through
 * the API: what one operation's examples created (a server or a key named as the example) must
 * not collide with the next one's.
 */
export async function removeCreatedObjects(
  api: TestApi,
  adminToken: string,
  keep: Set<string>,
): Promise<void> {
  const auth = bearer(adminToken);
  const servers = await api.http.get('/servers').set(auth).timeout(CALL_TIMEOUT);
  assert.equal(servers.status, 200, servers.text);
  for (const { name } of servers.body as { name: string }[]) {
    await api.http
      .delete(`/servers/${encodeURIComponent(name)}`)
      .set(auth)
      .timeout(CALL_TIMEOUT);
  }
  for (const collection of ['/api/ssh-keys', '/notification-channels']) {
    const listed = await api.http.get(collection).set(auth).timeout(CALL_TIMEOUT);
    assert.equal(listed.status, 200, listed.text);
    for (const item of listed.body as { id?: string; name: string }[]) {
      const key = encodeURIComponent(item.id ?? item.name);
      await api.http.delete(`${collection}/${key}`).set(auth).timeout(CALL_TIMEOUT);
    }
  }
  const users = await api.http.get('/users').set(auth).timeout(CALL_TIMEOUT);
  assert.equal(users.status, 200, users.text);
  for (const { login } of users.body as { login: string }[]) {
    if (!keep.has(login))
      await api.http
        .delete(`/users/${encodeURIComponent(login)}`)
        .set(auth)
        .timeout(CALL_TIMEOUT);
  }
}
