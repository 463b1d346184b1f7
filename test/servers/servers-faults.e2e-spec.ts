/**
 * Faults while pgmon runs: the `volatile` cluster stopped and started again (the only file
 * that may do so), a server deleted while a request for it is in flight, and no secret in any
 * response or log line written meanwhile (LOG_LEVEL=DEBUG, the collector running).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { startCluster, stopCluster } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { OutputCapture } from '../support/output-capture.js';
import { sleep } from '../support/proc.js';
import { assertNoSecretIn, ResponseRecorder } from '../support/responses.js';
import { monitorBody, sshRsaKeyBody } from '../support/server-bodies.js';
import { eventually, timed } from '../support/timing.js';
import { harnessSecrets, ServersClient, targets, type StatusEntry } from './helpers.js';

const WRONG_PASSWORD = 'faults-wrong-password-31337';

interface CheckView {
  status: string;
  postgres: { ok: boolean; error: { code: string } | null };
}

describe('ServersController', () => {
  const { volatile } = targets.pg;
  const recorder = new ResponseRecorder();
  const capture = new OutputCapture('everything');
  const needles = harnessSecrets([WRONG_PASSWORD]);
  /** Short status TTL: shows the outage soon. */
  let fast: TestApi;
  /** Long status TTL: shows that POST /test bypasses the cache. */
  let slow: TestApi;
  let fastAdmin: ServersClient;
  let slowAdmin: ServersClient;
  const name = uniqueName('faults-vol');
  const volatileBody = sshRsaKeyBody(name, volatile);

  before(async () => {
    capture.start();
    // passport keeps one 'jwt' strategy per process: the app started last verifies the tokens
    // of both apps, so both share the signing key (and both have the bootstrap admin).
    const SECRET_KEY = randomBytes(32).toString('base64url');
    slow = await startTestApi({ SECRET_KEY, LOG_LEVEL: 'DEBUG', STATUS_CACHE_TTL: '60' });
    fast = await startTestApi({
      SECRET_KEY,
      LOG_LEVEL: 'DEBUG',
      STATUS_CACHE_TTL: '1',
      STATUS_DEADLINE_MS: '2000',
      PG_CONNECT_TIMEOUT_MS: '1000',
      COLLECT_INTERVAL: '5',
    });
    for (const api of [fast, slow]) recorder.attach(api);
    fastAdmin = new ServersClient(fast, await fast.adminToken());
    slowAdmin = new ServersClient(slow, await slow.adminToken());
    await fastAdmin.created(volatileBody);
    await slowAdmin.created(volatileBody);
    await fastAdmin.created({
      ...monitorBody(uniqueName('faults-badpw'), volatile),
      password: WRONG_PASSWORD,
    });
  });

  after(async () => {
    try {
      await startCluster(volatile);
      await slow?.close();
      await fast?.close();
    } finally {
      capture.stop();
    }
  });

  describe('GET /servers/{server_name} while the cluster stops and starts', () => {
    let cached: StatusEntry;

    it('returns ok while the cluster runs', async () => {
      assert.equal((await fastAdmin.entry(name)).status, 'ok');
      cached = await slowAdmin.entry(name);
      assert.equal(cached.status, 'ok');
      assert.ok((cached.free_space ?? 0) > 0);
      assert.equal((await fastAdmin.sessions(name)).status, 200);
    });

    it('returns the failure from POST /test at once, while GET may serve the cached ok', async () => {
      await stopCluster(volatile);
      const check = await slowAdmin.test(name);
      assert.equal(check.status, 200, check.text);
      const body = check.body as CheckView;
      assert.equal(body.postgres.ok, false);
      assert.equal(body.postgres.error?.code, 'connection_refused');
      assert.equal(body.status, 'PostgreSQL: connection refused');
      const entry = await slowAdmin.entry(name);
      assert.equal(entry.status, 'ok', 'within its TTL the cached entry is served');
      assert.equal(entry.checked_at, cached.checked_at);
    });

    it('returns "PostgreSQL: connection refused" once the cached entry expired', async () => {
      const entry = await eventually(
        () => fastAdmin.entry(name),
        (e) => e.status === 'PostgreSQL: connection refused',
        5000,
        'the outage is reported',
      );
      assert.equal(entry.pg_error?.code, 'connection_refused');
      // The data directory seen before the outage still lets the disk be read over SSH.
      assert.ok((entry.free_space ?? 0) > 0, 'disk figures while PostgreSQL is down');
      const listed = (await fastAdmin.list()).find((e) => e.name === name);
      assert.equal(listed?.status, 'PostgreSQL: connection refused');
      const sessions = await fastAdmin.sessions(name);
      assert.equal(sessions.status, 502, sessions.text);
      assert.ok((await fastAdmin.poolsOf(name)).some(([, pool]) => pool.errors > 0));
    });

    it('returns ok again after the cluster started, without restarting pgmon', async () => {
      await startCluster(volatile);
      const entry = await eventually(
        () => fastAdmin.entry(name),
        (e) => e.status === 'ok',
        10_000,
        'the pool recovers',
      );
      assert.ok((entry.free_space ?? 0) > 0);
      const sessions = await fastAdmin.sessions(name);
      assert.equal(sessions.status, 200, sessions.text);
      const check = (await slowAdmin.test(name)).body as CheckView;
      assert.equal(check.status, 'ok');
      // Several reads in a row all work: no broken connection was kept in the pool.
      for (let i = 0; i < 5; i++) assert.equal((await fastAdmin.sessions(name)).status, 200);
    });
  });

  describe('DELETE /servers/{server_name} while a request for it is in flight', () => {
    it('ends the in-flight requests within their deadline and keeps serving', async (t) => {
      const gone = uniqueName('faults-gone');
      await fastAdmin.created({ ...monitorBody(gone), port: targets.silentPort });
      await sleep(1100); // the status entry expired: the GET below reads again
      const started = performance.now();
      const auth = bearer(await fast.adminToken());
      const inFlight = [
        fast.http.get(`/server_stats/${gone}`).set(auth),
        fast.http.get(`/servers/${gone}`).set(auth),
      ].map((request) =>
        request.then((response) => ({ response, ms: performance.now() - started })),
      );
      await sleep(200);
      const removed = await timed(() => fastAdmin.remove(gone));
      assert.equal(removed.value.status, 200, removed.value.text);
      const ended = await Promise.all(inFlight);
      t.diagnostic(
        `DELETE ${removed.ms.toFixed(0)} ms; in flight: ${ended.map(({ response, ms }) => `${response.status} after ${ms.toFixed(0)} ms`).join(', ')}`,
      );
      for (const { response, ms } of ended) {
        assert.ok([200, 404, 502, 504].includes(response.status), `${response.status}`);
        assert.ok(ms < 2000 + 1500, `in-flight request ended after ${ms} ms`);
      }
      assert.ok(removed.ms < 2000 + 1500, `DELETE took ${removed.ms} ms`);
      assert.equal((await fastAdmin.get(gone)).status, 404);
      assert.deepEqual(await fastAdmin.poolsOf(gone), []);
      assert.equal((await fastAdmin.entry(name)).status, 'ok');
      assert.equal((await fast.http.get('/api/health')).status, 200);
    });
  });

  // Runs last: covers every response and log line of the tests above.
  describe('responses and logs of this file', () => {
    it('contain no secret', () => {
      assert.ok(recorder.assertNoSecrets(needles) > 20);
      const log = capture.text;
      assert.match(log, /GET \/servers\//, 'the access log was captured');
      assert.match(log, /DEBUG/, 'debug lines were captured');
      assertNoSecretIn(log, needles, 'the log');
    });
  });
});
