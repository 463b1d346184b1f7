/**
 * The fast lane (apps/api/src/fast-lane): GET /servers and GET /api/health answered before
 * Express when the answer is in memory. It must be invisible: the same bytes, headers, access
 * line, request id and metric as Express's answer, and every request it cannot answer the same
 * way (unknown or changed user, conditional, cross-origin, query, shutting down) left to Express.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { FastLane } from '../../apps/api/src/fast-lane/fast-lane.js';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { OutputCapture } from '../support/output-capture.js';

/** Headers that differ between any two answers. */
const PER_ANSWER = new Set(['date', 'x-request-id']);

function stableHeaders(response: Response): Record<string, string> {
  return Object.fromEntries(
    Object.entries(response.headers as Record<string, string>).filter(
      ([name]) => !PER_ANSWER.has(name),
    ),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('fast lane', () => {
  let api: TestApi;
  let lane: FastLane;
  let admin: string;
  let viewer: string;
  const output = new OutputCapture('app-log');

  /** GET `path` with `headers`; also says whether the lane answered it. */
  async function get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; fast: boolean }> {
    const before = lane.served;
    const response = await api.http.get(path).set(headers);
    return { response, fast: lane.served === before + 1 };
  }

  /** An answer from Express, then the same request again, from the lane. */
  async function expressThenLane(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ express: Response; lane: Response }> {
    // Past the memo's second, so that the lane cannot answer the first request.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const first = await get(path, headers);
    assert.equal(first.fast, false, 'the first request went to Express');
    const second = await get(path, headers);
    assert.equal(second.fast, true, 'the second request was answered by the lane');
    return { express: first.response, lane: second.response };
  }

  before(async () => {
    output.start();
    api = await startTestApi({ LOG_LEVEL: 'INFO' });
    lane = api.app.get(FastLane);
    admin = await api.adminToken();
    viewer = await api.userToken(uniqueName('lane-viewer'), 'viewer');
    const created = await api.http
      .post('/servers')
      .set(bearer(admin))
      // Nothing listens on port 1: a status entry that says so, quickly.
      .send({ name: uniqueName('lane'), host: '127.0.0.1', port: 1, user: 'u', password: 'p' });
    assert.equal(created.status, 201, created.text);
  });

  after(async () => {
    await api.close();
    output.stop();
  });

  it('answers GET /servers with the same status, headers and bytes as Express', async () => {
    const { express, lane: fast } = await expressThenLane('/servers', bearer(admin));
    assert.equal(fast.status, 200);
    assert.equal(fast.text, express.text);
    assert.deepEqual(stableHeaders(fast), stableHeaders(express));
    assert.match(String(fast.headers['x-request-id']), UUID);
    assert.match(String(fast.headers['etag']), /^W\/"/);
    assert.equal((JSON.parse(fast.text) as unknown[]).length, 1);
  });

  it('answers /api/servers like /servers', async () => {
    const { express, lane: fast } = await expressThenLane('/api/servers', bearer(admin));
    assert.equal(fast.text, express.text);
    assert.deepEqual(stableHeaders(fast), stableHeaders(express));
  });

  it('answers GET /api/health with the same headers, and a current timestamp', async () => {
    const { express, lane: fast } = await expressThenLane('/api/health');
    assert.equal(fast.status, 200);
    const headers = (response: Response) => {
      const { etag, 'content-length': length, ...rest } = stableHeaders(response);
      return { rest, etag: etag !== undefined, length: length !== undefined };
    };
    assert.deepEqual(headers(fast), headers(express));
    const body = fast.body as { status: string; timestamp: string };
    const expressBody = express.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), Object.keys(expressBody));
    assert.equal(body.status, 'ok');
    assert.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 2000, body.timestamp);
  });

  it("writes Express's access line and keeps the client's request id", async () => {
    const id = `lane-${Date.now()}`;
    await get('/servers', bearer(admin));
    const { response, fast } = await get('/servers', { ...bearer(admin), 'X-Request-Id': id });
    assert.equal(fast, true);
    assert.equal(response.headers['x-request-id'], id);
    const line = new RegExp(`GET /servers 200 \\d+\\.\\dms user=admin ip=\\S+ id=${id}`);
    await output.waitFor(line);
    assert.equal(output.lines(line).length, 1, output.lines(id).join('\n'));
    const odd = await get('/servers', { ...bearer(admin), 'X-Request-Id': 'no spaces allowed' });
    assert.equal(odd.fast, true);
    assert.match(String(odd.response.headers['x-request-id']), UUID);
  });

  it('counts its answers in the request metric, labelled as Express labels them', async () => {
    const count = async (): Promise<number> => {
      const scrape = await api.http.get('/metrics').set(bearer(admin));
      const sample = /^pgmon_http_request_duration_seconds_count\{(.*)\} (\d+)$/gm;
      for (const [, labels, value] of scrape.text.matchAll(sample)) {
        if (labels?.includes('route="/servers"') && labels.includes('status="200"')) {
          return Number(value);
        }
      }
      return 0;
    };
    const before = await count();
    await get('/servers', bearer(admin));
    for (let i = 0; i < 3; i++) assert.equal((await get('/servers', bearer(admin))).fast, true);
    assert.equal(await count(), before + 4);
  });

  it("keeps one role's list from another role", async () => {
    const { lane: fast } = await expressThenLane('/servers', bearer(viewer));
    assert.equal(fast.status, 200);
    const line = /GET \/servers 200 \S+ user=lane-viewer/;
    await output.waitFor(line);
    assert.ok(output.lines(line).length >= 1);
  });

  it('leaves to Express what it cannot answer the same way', async () => {
    await get('/servers', bearer(admin));
    const cases: [string, string, Record<string, string>, number][] = [
      ['no token', '/servers', {}, 401],
      ['a token that was never verified', '/servers', bearer(`${admin}x`), 401],
      ['a conditional request', '/servers', { ...bearer(admin), 'If-None-Match': '*' }, 304],
      ['a cross-origin request', '/servers', { ...bearer(admin), Origin: 'http://x.test' }, 200],
      ['a query string', '/servers?x=1', bearer(admin), 200],
      ['another spelling of the path', '/servers/', bearer(admin), 200],
    ];
    for (const [what, path, headers, status] of cases) {
      const { response, fast } = await get(path, headers);
      assert.equal(fast, false, what);
      assert.equal(response.status, status, `${what}: ${response.text}`);
    }
    const head = lane.served;
    assert.equal((await api.http.head('/servers').set(bearer(admin))).status, 200);
    assert.equal(lane.served, head, 'HEAD');
  });

  it('refuses a disabled user at once, through Express', async () => {
    const login = uniqueName('lane-gone');
    const token = await api.userToken(login, 'viewer');
    await expressThenLane('/servers', bearer(token));
    const disabled = await api.http
      .put(`/users/${login}`)
      .set(bearer(admin))
      .send({ is_active: false });
    assert.equal(disabled.status, 200, disabled.text);
    const { response, fast } = await get('/servers', bearer(token));
    assert.equal(fast, false);
    assert.equal(response.status, 401);
  });

  it('sees a server change at once', async () => {
    await expressThenLane('/servers', bearer(admin));
    const name = uniqueName('lane-new');
    const created = await api.http
      .post('/servers')
      .set(bearer(admin))
      .send({ name, host: '127.0.0.1', port: 1, user: 'u', password: 'p' });
    assert.equal(created.status, 201, created.text);
    const { response, fast } = await get('/servers', bearer(admin));
    assert.equal(fast, false);
    assert.ok((response.body as { name: string }[]).some((entry) => entry.name === name));
  });

  // Last: the app cannot be reopened.
  it('lets Express answer 503 once the app is closing', async () => {
    await expressThenLane('/servers', bearer(admin));
    await api.app.getHttpAdapter().beforeClose?.();
    for (const path of ['/servers', '/api/health']) {
      const { response, fast } = await get(path, path === '/servers' ? bearer(admin) : {});
      assert.equal(fast, false, path);
      assert.equal(response.status, 503, path);
      assert.equal(response.headers['connection'], 'close', path);
    }
  });
});
