/**
 * The blocking tree and session actions on every major of the version matrix: a chain of three
 * sessions (an idle-in-transaction root holding a row lock, a waiter, a waiter on the waiter)
 * read by a pg_monitor-only role, cancel and terminate by a role with only pg_monitor and
 * pg_signal_backend with the pid + backend_start match, the policy, and the audit trail. Before
 * 14 pg_locks has no waitstart: a wait is counted from the waiting statement's start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import type { Response } from 'supertest';
import {
  SessionsModule,
  type LockNodeView as LockNode,
  type LockTreeView as LockTree,
} from '#sessions';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import {
  adminQuery,
  createDatabase,
  superuserClient,
  type TestDatabase,
} from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { forEachMajor } from '../support/matrix.js';
import { readTargets, type PgServer } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import {
  backendStartOf,
  connectAs,
  createRole,
  endAll,
  pidOf,
  type TestRole,
} from './session-clients.js';

const targets = readTargets();

interface AuditEntry {
  ts: string;
  actor: string;
  client_ip: string | null;
  action: string;
  target: string;
  outcome: string;
  details: Record<string, unknown>;
}

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UPDATE = 'update chain set v = v + 1 where id = 1';

/** The same instant in another ISO 8601 form: +02:00 offset, microseconds kept. */
function shifted(iso: string): string {
  const [, date, time, micros] = /^(.*)T(.*)\.(\d{6})Z$/.exec(iso) ?? [];
  const at = new Date(`${date}T${time}Z`).getTime() + 2 * 3600_000;
  return `${new Date(at).toISOString().slice(0, 19)}.${micros}+02:00`;
}

/** The node of `pid` anywhere in the tree. */
function find(nodes: LockNode[], pid: number): LockNode | undefined {
  for (const node of nodes) {
    if (node.pid === pid) return node;
    const found = find(node.blocked, pid);
    if (found) return found;
  }
  return undefined;
}

describe(SessionsModule.name, { concurrency: true }, () => {
  // One app for every major (apps started side by side in one process would share process.env
  // while they boot); each major has an operator of its own, so audit entries never mix.
  let api: TestApi;

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', PG_CONNECT_TIMEOUT_MS: '1000' });
  });

  after(async () => {
    await api?.close();
  });

  forEachMajor((cluster) => {
    // What does not depend on the version (a walsender of the host's replication pair, ports
    // where nothing answers) is tested on the host's cluster (15) only.
    const onHost = cluster.container === null;
    const operator = `locks-operator-${cluster.major}`;
    let database: TestDatabase;
    let app: TestRole;
    let actor: TestRole;
    const tokens = { viewer: '', operator: '', admin: '' };
    const names = { monitorOnly: uniqueName('locks-mon'), signaller: uniqueName('locks-sig') };
    const clients: pg.Client[] = [];

    const locks = async (name: string): Promise<LockTree> => {
      const response = await api.http.get(`/server/${name}/locks`).set(bearer(tokens.viewer));
      assert.equal(response.status, 200, response.text);
      return response.body as LockTree;
    };
    const act = (
      action: string,
      pid: number | string,
      backendStart: unknown,
      token = tokens.operator,
      name = names.signaller,
    ): Promise<Response> =>
      api.http
        .post(`/server/${name}/sessions/${pid}/${action}`)
        .set(bearer(token))
        .send({ backend_start: backendStart });
    const audit = async (query: string): Promise<AuditEntry[]> => {
      const response = await api.http.get(`/audit?${query}`).set(bearer(tokens.admin));
      assert.equal(response.status, 200, response.text);
      return response.body as AuditEntry[];
    };

    before(async () => {
      tokens.admin = await api.adminToken();
      tokens.viewer = await api.userToken(`locks-viewer-${cluster.major}`, 'viewer');
      tokens.operator = await api.userToken(operator, 'operator');
      database = await createDatabase(cluster, 'locks');
      app = await createRole(cluster, 'locks_app');
      actor = await createRole(cluster, 'locks_actor', ['pg_monitor', 'pg_signal_backend']);
      await adminQuery(
        cluster,
        'create table chain (id int primary key, v int)',
        [],
        database.name,
      );
      await adminQuery(cluster, 'insert into chain values (1, 0), (2, 0)', [], database.name);
      await adminQuery(cluster, `grant all on chain to ${app.name}`, [], database.name);
      for (const body of [
        monitorBody(names.monitorOnly, cluster),
        monitorBody(names.signaller, cluster, { user: actor.name, password: actor.password }),
      ]) {
        const created = await api.http.post('/servers').set(bearer(tokens.admin)).send(body);
        assert.equal(created.status, 201, created.text);
      }
    });

    after(async () => {
      await endAll(clients);
      await database?.drop();
      await app?.drop();
      await actor?.drop();
    });

    describe('a chain of three sessions', () => {
      const pids = { root: 0, waiter: 0, last: 0 };
      const starts = { root: '', waiter: '', last: '' };
      let waiterDone: Promise<unknown>;
      let lastDone: Promise<unknown>;

      before(async () => {
        const [root, waiter, last] = await Promise.all(
          [0, 1, 2].map(() => connectAs(cluster, app, database.name)),
        );
        clients.push(root, waiter, last);
        pids.root = await pidOf(root);
        pids.waiter = await pidOf(waiter);
        pids.last = await pidOf(last);
        await root.query('begin');
        await root.query(UPDATE);
        waiterDone = waiter.query(UPDATE).then(
          () => 'updated',
          (error: { code?: string }) => error.code,
        );
        await eventually(
          () => locks(names.monitorOnly),
          (tree) => Boolean(find(tree.tree, pids.waiter)?.lock),
          10_000,
          'the waiter waits',
        );
        lastDone = last.query(UPDATE).then(
          () => 'updated',
          (error: { code?: string }) => error.code,
        );
        await eventually(
          () => locks(names.monitorOnly),
          (tree) => Boolean(find(tree.tree, pids.last)?.lock),
          10_000,
          'the last waits',
        );
        for (const key of ['root', 'waiter', 'last'] as const)
          starts[key] = await backendStartOf(cluster, pids[key]);
      });

      describe('GET /server/{name}/locks', () => {
        it('returns the chain as one tree, root first, with a role that has only pg_monitor', async () => {
          const tree = await locks(names.monitorOnly);
          const root = tree.tree.find((node) => node.pid === pids.root);
          assert.ok(root, JSON.stringify(tree));
          assert.deepEqual(
            [root.pid, root.blocked.map((n) => n.pid), root.blocked[0]?.blocked.map((n) => n.pid)],
            [pids.root, [pids.waiter], [pids.last]],
          );
          assert.ok(tree.blocked_sessions >= 2 && tree.root_blockers >= 1, JSON.stringify(tree));
          assert.equal(tree.server, names.monitorOnly);
        });

        it('returns every field of a node: the root idle in transaction, the waiters with their locks', async () => {
          const root = find((await locks(names.monitorOnly)).tree, pids.root);
          assert.ok(root);
          assert.equal(root.backend_start, starts.root);
          assert.match(root.backend_start, ISO_MICROS);
          assert.match(root.xact_start ?? '', ISO_MICROS);
          assert.deepEqual(
            [
              root.usename,
              root.datname,
              root.application_name,
              root.state,
              root.query,
              root.waiting_ms,
              root.lock,
              root.cycle,
            ],
            [
              app.name,
              database.name,
              'pgmon-test-session',
              'idle in transaction',
              UPDATE,
              null,
              null,
              false,
            ],
          );
          const waiter = root.blocked[0];
          assert.ok(waiter);
          assert.equal(waiter.state, 'active');
          assert.deepEqual(waiter.lock, {
            mode: 'ShareLock',
            locktype: 'transactionid',
            relation: null,
          });
          assert.deepEqual(waiter.blocked_by, [pids.root]);
          assert.ok((waiter.waiting_ms ?? 0) > 0);
          const last = waiter.blocked[0];
          assert.ok(last);
          // The last waits for the row's tuple lock, which the first waiter holds: named in its database.
          assert.deepEqual(last.lock, {
            mode: 'ExclusiveLock',
            locktype: 'tuple',
            relation: 'public.chain',
          });
          assert.deepEqual(last.blocked_by, [pids.waiter]);
          assert.ok((waiter.waiting_ms ?? 0) >= (last.waiting_ms ?? 0));
        });
      });

      describe('POST /server/{name}/sessions/{pid}/cancel', () => {
        it('refuses a viewer with 403 and writes no audit entry', async () => {
          const response = await act('cancel', pids.waiter, starts.waiter, tokens.viewer);
          assert.equal(response.status, 403, response.text);
          const entries = await audit(`action=session.*&actor=locks-viewer-${cluster.major}`);
          assert.deepEqual(entries, []);
        });

        it('answers 409 for a backend_start that is not the session’s, and signals nothing', async () => {
          const wrong = new Date(Date.parse(starts.waiter) - 1).toISOString();
          const response = await act('cancel', pids.waiter, wrong);
          assert.equal(response.status, 409, response.text);
          assert.match(String((response.body as { detail: string }).detail), /No session has pid/);
          const waiter = find((await locks(names.monitorOnly)).tree, pids.waiter);
          assert.ok(waiter?.lock, 'the waiter still waits');
        });

        it('cancels the middle session given its backend_start in another ISO 8601 form', async () => {
          const response = await act('cancel', pids.waiter, shifted(starts.waiter));
          assert.equal(response.status, 200, response.text);
          assert.deepEqual(response.body, { pid: pids.waiter, action: 'cancel', done: true });
          assert.equal(await waiterDone, '57014');
          const tree = await eventually(
            () => locks(names.monitorOnly),
            (t) => find(t.tree, pids.last)?.blocked_by.includes(pids.root) === true,
            10_000,
            'the last now waits on the root',
          );
          assert.equal(find(tree.tree, pids.waiter), undefined);
        });
      });

      describe('POST /server/{name}/sessions/{pid}/terminate', () => {
        it('terminates the root, which releases the session that waited on it', async () => {
          const response = await act('terminate', pids.root, starts.root);
          assert.equal(response.status, 200, response.text);
          assert.deepEqual(response.body, { pid: pids.root, action: 'terminate', done: true });
          assert.equal(await lastDone, 'updated');
          const tree = await locks(names.monitorOnly);
          assert.equal(find(tree.tree, pids.root), undefined);
          assert.equal(find(tree.tree, pids.last), undefined);
        });

        it('answers 409 once the session has ended', async () => {
          const response = await act('terminate', pids.root, starts.root);
          assert.equal(response.status, 409, response.text);
        });
      });

      describe('GET /audit', () => {
        it('returns every attempt past the role check, newest first, with who, what and how it ended', async () => {
          const entries = (await audit(`action=session.*&actor=${operator}`)).filter((entry) =>
            [pids.root, pids.waiter].includes(Number(entry.details.pid)),
          );
          assert.deepEqual(
            entries.map((entry) => [entry.action, entry.details.pid, entry.outcome]),
            [
              ['session.terminate', pids.root, 'no_match'],
              ['session.terminate', pids.root, 'done'],
              ['session.cancel', pids.waiter, 'done'],
              ['session.cancel', pids.waiter, 'no_match'],
            ],
          );
          const done = entries[1];
          assert.ok(done);
          assert.equal(done.target, names.signaller);
          assert.equal(done.actor, operator);
          assert.ok(done.client_ip);
          assert.ok(Date.now() - Date.parse(done.ts) < 120_000);
          assert.deepEqual(
            [done.details.server, done.details.usename, done.details.datname, done.details.query],
            [names.signaller, app.name, database.name, UPDATE],
          );
          assert.match(String(done.details.query_sha256), /^[0-9a-f]{64}$/);
          assert.equal(done.details.backend_start, new Date(Date.parse(starts.root)).toISOString());
        });

        it('refuses a viewer and an operator with 403', async () => {
          for (const token of [tokens.viewer, tokens.operator]) {
            const response = await api.http.get('/audit').set(bearer(token));
            assert.equal(response.status, 403, response.text);
          }
        });

        it('answers 422 for a bad date, a start after the end, or a bad limit', async () => {
          for (const query of [
            'start_date=yesterday',
            'start_date=2025-06-02&end_date=2025-06-01',
            'limit=0',
            'limit=x',
          ]) {
            const response = await api.http.get(`/audit?${query}`).set(bearer(tokens.admin));
            assert.equal(response.status, 422, `${query}: ${response.text}`);
          }
        });
      });
    });
    describe('policy', () => {
      /** pid and backend_start of the first session matching `where` on `target`, as superuser. */
      async function sessionWhere(
        target: PgServer,
        where: string,
        values: unknown[] = [],
      ): Promise<{ pid: number; start: string }> {
        const result = await adminQuery<{ pid: number }>(
          target,
          `select pid from pg_stat_activity where ${where} limit 1`,
          values,
        );
        const pid = result.rows[0]?.pid;
        assert.ok(pid, `a session where ${where}`);
        return { pid, start: await backendStartOf(target, pid) };
      }

      async function refused(
        action: string,
        session: { pid: number; start: string },
        detail: RegExp,
        token = tokens.operator,
        name = names.signaller,
        status = 403,
      ): Promise<void> {
        const response = await act(action, session.pid, session.start, token, name);
        assert.equal(response.status, status, response.text);
        assert.match(String((response.body as { detail: string }).detail), detail);
      }

      it('refuses pgmon’s own session (403) and audits the refusal', async () => {
        await locks(names.signaller);
        const own = await sessionWhere(cluster, `usename = $1 and application_name = 'pgmon'`, [
          actor.name,
        ]);
        await refused('terminate', own, /pgmon’s own sessions/);
        const [entry] = await audit(`action=session.terminate&actor=${operator}&limit=1`);
        assert.deepEqual(
          [entry?.outcome, entry?.details.pid, entry?.details.reason],
          ['refused', own.pid, 'own'],
        );
      });

      if (onHost)
        it('refuses a walsender (403)', async () => {
          const primary = targets.pg.primary;
          const role = await createRole(primary, 'locks_primary', [
            'pg_monitor',
            'pg_signal_backend',
          ]);
          const name = uniqueName('locks-primary');
          try {
            const created = await api.http
              .post('/servers')
              .set(bearer(tokens.admin))
              .send(monitorBody(name, primary, { user: role.name, password: role.password }));
            assert.equal(created.status, 201, created.text);
            const walsender = await sessionWhere(primary, `backend_type = 'walsender'`);
            await refused('terminate', walsender, /walsender/, tokens.admin, name);
          } finally {
            await api.http.delete(`/servers/${name}`).set(bearer(tokens.admin));
            await role.drop();
          }
        });

      it('refuses a background process such as the checkpointer (403)', async () => {
        const checkpointer = await sessionWhere(cluster, `backend_type = 'checkpointer'`);
        await refused(
          'cancel',
          checkpointer,
          /This is a checkpointer, not a client session/,
          tokens.admin,
        );
      });

      it('refuses a superuser’s session to an operator (403); for an admin the monitoring role must be superuser (502)', async () => {
        const superuser = await superuserClient(cluster, database.name);
        clients.push(superuser);
        const session = { pid: await pidOf(superuser), start: '' };
        session.start = await backendStartOf(cluster, session.pid);
        await refused('cancel', session, /superuser .*only an admin may signal it/);
        await refused(
          'cancel',
          session,
          /only a superuser signal a superuser’s session/,
          tokens.admin,
          names.signaller,
          502,
        );
      });

      it('answers 502 with the GRANT to run when the monitoring role lacks pg_signal_backend', async () => {
        const victim = await connectAs(cluster, app, database.name);
        clients.push(victim);
        const session = { pid: await pidOf(victim), start: '' };
        session.start = await backendStartOf(cluster, session.pid);
        await refused(
          'cancel',
          session,
          new RegExp(`GRANT pg_signal_backend TO ${cluster.monitorUser};`),
          tokens.operator,
          names.monitorOnly,
          502,
        );
        const [entry] = await audit(`action=session.cancel&actor=${operator}&limit=1`);
        assert.deepEqual([entry?.outcome, entry?.details.reason], ['failed', 'privilege']);
      });

      it('answers 422 for a pid or backend_start that is not one, and 404 for an unknown server', async () => {
        const bad: [number | string, unknown, string][] = [
          ['abc', '2025-06-03T10:00:00Z', 'path.pid'],
          [0, '2025-06-03T10:00:00Z', 'path.pid'],
          [12, 'yesterday', 'body.backend_start'],
          [12, '', 'body.backend_start'],
          [12, undefined, 'body.backend_start'],
          [12, 1717408800000, 'body.backend_start'],
        ];
        for (const [pid, start, loc] of bad) {
          const response = await act('cancel', pid, start);
          assert.equal(response.status, 422, `${pid} ${String(start)}: ${response.text}`);
          const issues = (response.body as { detail: { loc: string[] }[] }).detail;
          assert.ok(
            issues.some((issue) => issue.loc.join('.') === loc),
            response.text,
          );
        }
        const missing = await act(
          'cancel',
          12,
          '2025-06-03T10:00:00Z',
          tokens.operator,
          'locks-nobody',
        );
        assert.equal(missing.status, 404, missing.text);
      });
    });

    if (onHost)
      describe('GET /server/{name}/locks on a server that cannot be read', () => {
        it('answers 502 when nothing listens, 504 when nothing answers', async () => {
          for (const [port, status] of [
            [targets.closedPort, 502],
            [targets.silentPort, 504],
          ] as const) {
            const name = uniqueName('locks-down');
            const created = await api.http
              .post('/servers')
              .set(bearer(tokens.admin))
              .send(monitorBody(name, cluster, { port }));
            assert.equal(created.status, 201, created.text);
            const response = await api.http.get(`/server/${name}/locks`).set(bearer(tokens.viewer));
            assert.equal(response.status, status, response.text);
            assert.match(String((response.body as { detail: string }).detail), /^PostgreSQL: /);
          }
        });
      });
  });
});
