/**
 * Concurrency of live status reads: concurrent requests for one server share one read (no
 * thundering herd against a target), and servers are read in parallel, each under its own
 * deadline, so slow servers cost a list about one deadline, not the sum.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { ResponseRecorder } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { timed } from '../support/timing.js';
import { harnessSecrets, ServersClient, targets, type StatusEntry } from './helpers.js';

const DEADLINE_MS = 1500;
const CONNECT_TIMEOUT_MS = 1000;
/**
 * Long enough that the requests of one test all arrive before the refresh-ahead point
 * (TTL - min(read time + 1.5 s, 0.8 TTL)), short enough to wait for a cold cache.
 */
const CACHE_TTL_S = 3;

describe('ServersController', () => {
  let api: TestApi;
  let admin: ServersClient;
  let viewer: ServersClient;
  const recorder = new ResponseRecorder();

  /** Lets every cached status entry expire. */
  function coldCache(): Promise<void> {
    return sleep(CACHE_TTL_S * 1000 + 300);
  }

  before(async () => {
    api = await startTestApi({
      STATUS_DEADLINE_MS: String(DEADLINE_MS),
      PG_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      STATUS_CACHE_TTL: String(CACHE_TTL_S),
      // The collector would use the same pools and blur the counts.
      COLLECTOR_ENABLED: 'false',
    });
    recorder.attach(api);
    admin = new ServersClient(api, await api.adminToken());
    viewer = new ServersClient(api, await api.userToken('concurrency-viewer', 'viewer'));
  });

  after(async () => {
    await api?.close();
  });

  describe('GET /servers/{server_name}', () => {
    it('returns one shared read to 20 concurrent requests on a cold cache', async () => {
      const name = uniqueName('herd');
      await admin.created(monitorBody(name));
      await coldCache();
      const before = await admin.pool(name);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? viewer : admin).get(name)),
      );
      const after = await admin.pool(name);
      for (const response of responses) assert.equal(response.status, 200, response.text);
      const entries = responses.map((response) => response.body as StatusEntry);
      assert.ok(entries.every((entry) => entry.status === 'ok'));
      assert.equal(new Set(entries.map((entry) => entry.checked_at)).size, 1, 'one read');
      assert.equal(after.acquired - before.acquired, 1, 'one status query reached the server');
    });
  });

  describe('GET /servers', () => {
    let names: string[];

    before(async () => {
      names = [uniqueName('list-a-ok'), uniqueName('list-b-closed')];
      await admin.created(monitorBody(names[0] ?? ''));
      await admin.created({ ...monitorBody(names[1] ?? ''), port: targets.closedPort });
      // Three silent listeners: read one after the other they would take 3 s.
      const silent = ['list-c-silent', 'list-d-silent', 'list-e-silent'].map(uniqueName);
      await Promise.all(
        silent.map((name) => admin.created({ ...monitorBody(name), port: targets.silentPort })),
      );
      names.push(...silent);
    });

    it('returns every entry in about one deadline when several servers hang', async (t) => {
      await coldCache();
      const { value: list, ms } = await timed(() => viewer.list());
      t.diagnostic(`GET /servers with 3 silent servers: ${ms.toFixed(0)} ms`);
      const mine = list.filter((entry) => names.includes(entry.name));
      assert.deepEqual(
        mine.map((entry) => entry.name),
        [...names].sort(),
      );
      const statuses = mine.map((entry) => entry.status);
      assert.deepEqual(statuses, [
        'ok',
        'PostgreSQL: connection refused',
        'PostgreSQL: timeout',
        'PostgreSQL: timeout',
        'PostgreSQL: timeout',
      ]);
      assert.ok(ms >= CONNECT_TIMEOUT_MS - 100, `${ms} ms: the silent servers were read`);
      assert.ok(ms < DEADLINE_MS + 1000, `${ms} ms: not the sum of the timeouts`);
    });

    it('returns one read per server to 10 concurrent list requests on a cold cache', async () => {
      await coldCache();
      const ok = names[0] ?? '';
      const before = await admin.pool(ok);
      const lists = await Promise.all(Array.from({ length: 10 }, () => viewer.list()));
      const after = await admin.pool(ok);
      const checkedAt = new Set(
        lists.map((list) => list.find((entry) => entry.name === ok)?.checked_at),
      );
      assert.equal(checkedAt.size, 1, 'every list shows the same read');
      assert.equal(after.acquired - before.acquired, 1);
    });
  });

  // Runs last: covers every response of the tests above.
  describe('responses of this file', () => {
    it('return no secret', () => {
      assert.ok(recorder.assertNoSecrets(harnessSecrets()) > 20);
    });
  });
});
