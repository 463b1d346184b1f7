/**
 * What the contract test's calls act on: for each path parameter, an object that exists on the
 * real app and the real targets (a server on the main cluster, a user, a live session), one
 * that does not, and servers whose target fails. A parameter without an entry here is given
 * its documented example.
 */
import assert from 'node:assert/strict';
import { bearer, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { connectAs, createRole, type TestRole } from '../sessions/session-clients.js';

/** A path value, and the body fields that must go with it (a session's backend_start). */
export interface PathValue {
  value: string;
  body?: Record<string, unknown>;
}

export interface FixtureContext {
  api: TestApi;
  adminToken: string;
  /** Registers work to undo once the operation's tests are over. */
  onRelease: (release: () => Promise<void>) => void;
}

export interface PathFixture {
  /** An object the call can act on, made for one operation. */
  existing(context: FixtureContext): Promise<PathValue>;
  /** A value naming nothing. */
  missing?: string;
  /** Objects that exist but whose target fails (refuses, or never answers). */
  failing?(context: FixtureContext): Promise<string[]>;
}

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
  const created = await api.http.post('/servers').set(bearer(adminToken)).send(body);
  assert.equal(created.status, 201, created.text);
  // Deleted by name first: listing the servers would wait for the ones that never answer.
  onRelease(async () => {
    await api.http.delete(`/servers/${name}`).set(bearer(adminToken));
  });
  return name;
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
 * Removes every server, and every user but `keep`, through the API: what one operation's
 * examples created (a server named as the example) must not collide with the next one's.
 */
export async function removeCreatedObjects(
  api: TestApi,
  adminToken: string,
  keep: Set<string>,
): Promise<void> {
  const auth = bearer(adminToken);
  const servers = await api.http.get('/servers').set(auth);
  assert.equal(servers.status, 200, servers.text);
  for (const { name } of servers.body as { name: string }[]) {
    await api.http.delete(`/servers/${encodeURIComponent(name)}`).set(auth);
  }
  const users = await api.http.get('/users').set(auth);
  assert.equal(users.status, 200, users.text);
  for (const { login } of users.body as { login: string }[]) {
    if (!keep.has(login)) await api.http.delete(`/users/${encodeURIComponent(login)}`).set(auth);
  }
}
