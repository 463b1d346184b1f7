/**
 * GET /server_stats/{name} on every major of the version matrix, as the pg_monitor-only role:
 * another role's running query with its text, the parallel worker that runs it with its
 * leader_pid (PostgreSQL 13+), and query_id from 14 on. On 13, which has no query_id, the field
 * is there and null: every version answers the same fields, never a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { forEachMajor } from '../support/matrix.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import { ServersClient } from '../servers/helpers.js';
import { startSleeper, superuser, type Sleeper } from './helpers.js';

interface Session {
  pid: number;
  usename: string | null;
  query: string | null;
  state: string | null;
  backend_type: string | null;
  leader_pid: number | null;
  query_id: string | null;
}

interface Activity {
  queries: Session[];
  version_num: number;
}

/** Every field of a session, on every version, in this order. */
const SESSION_FIELDS = [
  'pid',
  'usename',
  'datname',
  'query',
  'state',
  'application_name',
  'client_addr',
  'backend_type',
  'wait_event_type',
  'wait_event',
  'query_start',
  'xact_start',
  'backend_start',
  'state_change',
  'duration_ms',
  'blocked_by',
  'leader_pid',
  'query_id',
  'query_truncated',
];

describe('ActivityController', { concurrency: true }, () => {
  let api: TestApi;
  let admin: ServersClient;
  let viewer: ServersClient;

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = new ServersClient(api, await api.adminToken());
    viewer = new ServersClient(api, await api.userToken('matrix-activity-viewer', 'viewer'));
  });

  after(async () => {
    await api?.close();
  });

  forEachMajor((pg) => {
    const name = uniqueName(`pg${pg.major}-activity`);

    async function activity(): Promise<Activity> {
      const response = await viewer.sessions(name);
      assert.equal(response.status, 200, response.text);
      return response.body as Activity;
    }

    before(async () => {
      await admin.created(monitorBody(name, pg));
    });

    describe('GET /server_stats/{server_name}', () => {
      describe('with a superuser session running select pg_sleep in a parallel worker', () => {
        let sleeper: Sleeper;
        let seen: Activity;

        before(async () => {
          sleeper = await startSleeper(pg, superuser(pg), { seconds: 30, parallel: true });
          seen = await eventually(
            activity,
            (a) =>
              a.queries.some((s) => s.pid === sleeper.pid && s.state === 'active') &&
              a.queries.some((s) => s.leader_pid === sleeper.pid),
            10_000,
            'the sleeper and its worker are visible',
            50,
          );
        });

        after(async () => {
          await sleeper?.stop();
        });

        it("returns the other role's query text", () => {
          const leader = seen.queries.find((s) => s.pid === sleeper.pid);
          assert.equal(leader?.query, sleeper.sql, 'pg_monitor sees the query of other roles');
          assert.equal(leader?.usename, pg.superuser);
          assert.equal(leader?.backend_type, 'client backend');
          assert.equal(leader?.leader_pid, null, 'a leader has no leader');
          assert.equal(seen.version_num, pg.versionNum);
        });

        it('returns the parallel worker with the pid of its leader', () => {
          const worker = seen.queries.find((s) => s.leader_pid === sleeper.pid);
          assert.equal(worker?.backend_type, 'parallel worker');
          assert.notEqual(worker?.pid, sleeper.pid);
        });

        if (pg.major >= 14) {
          it('returns the query_id of the running query as a string', () => {
            const leader = seen.queries.find((s) => s.pid === sleeper.pid);
            assert.match(leader?.query_id ?? '', /^-?[1-9]\d*$/);
          });
        } else {
          it('returns query_id null: PostgreSQL 13 has none', () => {
            for (const session of seen.queries) assert.equal(session.query_id, null);
          });
        }

        it('returns the same fields for every session', () => {
          for (const session of seen.queries)
            assert.deepEqual(Object.keys(session), SESSION_FIELDS);
        });
      });
    });
  });
});
