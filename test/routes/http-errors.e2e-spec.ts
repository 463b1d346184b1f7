import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { bearer, startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';
import { OutputCapture } from '../support/output-capture.js';
import { ResponseRecorder, type Issue } from '../support/responses.js';

/** Every response body any app of this file sends, recorded server-side. */
const recorder = new ResponseRecorder();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A JSON value nested `depth` levels deep: small in bytes, deep enough to blow a naive recursion. */
function nestedJson(field: string, depth: number): string {
  return `{"${field}":${'['.repeat(depth)}${']'.repeat(depth)},"password":"long enough"}`;
}

const INTERNALS: [RegExp, string][] = [
  [/\n\s+at /, 'stack trace'],
  [/ {4}at /, 'stack frame'],
  [/node_modules/, 'module path'],
  [/\.(ts|js):\d+/, 'source location'],
  [/\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|SQLITE_\w+)\b/, 'SQL'],
];

function assertNoInternalsIn(text: string, where: string): void {
  for (const [pattern, what] of INTERNALS) {
    assert.doesNotMatch(text, pattern, `${what} in the body of ${where}`);
  }
}

/** No body may leak internals: stack frames, module paths, source files or SQL. */
function assertNoInternals(response: Response): void {
  assertNoInternalsIn(response.text ?? '', `a ${response.status} response`);
}

function assertClientError(response: Response, status?: number): void {
  assertNoInternals(response);
  if (status !== undefined) assert.equal(response.status, status, response.text);
  assert.ok(
    response.status >= 400 && response.status < 500,
    `expected a 4xx, got ${response.status} ${response.text}`,
  );
  assert.ok('detail' in (response.body as object), `seed-shaped body: ${response.text}`);
}

function issues(response: Response): Issue[] {
  assertClientError(response, 422);
  const detail = (response.body as { detail: Issue[] }).detail;
  assert.ok(Array.isArray(detail), `detail is a list: ${response.text}`);
  return detail;
}

describe('HTTP pipeline', () => {
  let api: TestApi;
  let admin: { Authorization: string };

  before(async () => {
    api = await startTestApi();
    recorder.attach(api);
    admin = bearer(await api.adminToken());
  });

  after(async () => {
    await api?.close();
  });

  function postUsersRaw(body: string, contentType = 'application/json'): Promise<Response> {
    return api.http.post('/users').set(admin).set('Content-Type', contentType).send(body);
  }

  describe('POST /users', () => {
    it('answers 422 json_invalid for malformed JSON', async () => {
      const detail = issues(await postUsersRaw('{"login": "x", "password": '));
      assert.equal(detail.length, 1);
      assert.deepEqual(detail[0]?.loc, ['body']);
      assert.equal(detail[0]?.type, 'json_invalid');
    });

    it('answers 413 with a detail for a body over 256 kB', async () => {
      const body = JSON.stringify({ login: 'big', password: 'x'.repeat(300 * 1024) });
      const response = await postUsersRaw(body);
      assertClientError(response, 413);
      assert.equal(typeof (response.body as { detail: unknown }).detail, 'string');
    });

    it('answers 422 for a JSON array, string, number or null body', async () => {
      for (const body of [
        '[]',
        '[{"login":"a","password":"long enough"}]',
        '"text"',
        '5',
        'null',
      ]) {
        const response = await postUsersRaw(body);
        assertClientError(response, 422);
      }
    });

    it('answers 422 naming the fields for wrong types', async () => {
      const response = await api.http
        .post('/users')
        .set(admin)
        .send({ login: 'typed', password: 'long enough', role: 5, is_active: 'yes' });
      const locations = issues(response).map((issue) => issue.loc.join('.'));
      assert.deepEqual(locations.sort(), ['body.is_active', 'body.role']);
      const objects = await api.http
        .post('/users')
        .set(admin)
        .send({ login: { $ne: '' }, password: ['long enough'] });
      const objectLocations = issues(objects).map((issue) => issue.loc.join('.'));
      assert.deepEqual(objectLocations.sort(), ['body.login', 'body.password']);
    });

    it('answers 4xx, not 500, for a deeply nested JSON body under the size limit', async () => {
      const body = nestedJson('login', 5000);
      assert.ok(body.length < 256 * 1024);
      assertClientError(await postUsersRaw(body));
    });

    it('answers 415 for an unsupported charset or content encoding', async () => {
      assertClientError(await postUsersRaw('{}', 'application/json; charset=koi8-r'), 415);
      const encoded = await api.http
        .post('/users')
        .set(admin)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'bogus')
        .send('{}');
      assertClientError(encoded, 415);
    });

    it('answers 4xx for a body that claims gzip but is not', async () => {
      const response = await api.http
        .post('/users')
        .set(admin)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send('this is not gzip');
      assertClientError(response);
    });
  });

  describe('PUT /users/{login}', () => {
    it('answers 422 for an array body', async () => {
      const response = await api.http
        .put('/users/admin')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send('[{"role":"viewer"}]');
      assertClientError(response, 422);
    });

    it('answers 4xx, not 500, for a deeply nested JSON body', async () => {
      const response = await api.http
        .put('/users/admin')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send(nestedJson('role', 5000));
      assertClientError(response);
    });
  });

  describe('DELETE /users/{login}', () => {
    it('answers 4xx for invalid percent-encoding in the path', async () => {
      assertClientError(await api.http.delete('/users/%E0%A4%A').set(admin));
      assertClientError(await api.http.put('/users/%E0%A4%A').set(admin).send({}));
      assertClientError(await api.http.delete('/users/%').set(admin));
    });
  });

  describe('POST /token', () => {
    it('answers 413 for a form body over 256 kB', async () => {
      const response = await api.http
        .post('/token')
        .type('form')
        .send(`username=admin&password=${'x'.repeat(300 * 1024)}`);
      assertClientError(response, 413);
    });

    it('answers 4xx for a form with thousands of fields', async () => {
      const fields = Array.from({ length: 2000 }, (_value, index) => `f${index}=1`).join('&');
      const response = await api.http
        .post('/token')
        .type('form')
        .send(`${fields}&username=admin&password=${TEST_ADMIN_PASSWORD}`);
      assertClientError(response);
    });

    it('answers 422 for malformed JSON sent to the login route', async () => {
      const response = await api.http
        .post('/token')
        .set('Content-Type', 'application/json')
        .send('{"username":');
      assertClientError(response, 422);
    });
  });

  describe('unknown routes', () => {
    it('answer 404 {"detail": "Not Found"} with or without a token', async () => {
      for (const pending of [
        api.http.get('/no/such/route'),
        api.http.get('/no/such/route').set(admin),
        api.http.post('/servers-typo').send({}),
        api.http.get('/users/admin/extra').set(admin),
      ]) {
        const response = await pending;
        assertClientError(response, 404);
        assert.deepEqual(response.body, { detail: 'Not Found' });
      }
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a sane incoming id', async () => {
      const response = await api.http.get('/api/health').set('X-Request-Id', 'client-42.abc_DEF');
      assert.equal(response.headers['x-request-id'], 'client-42.abc_DEF');
    });

    it('generates a fresh id when none is sent, also on errors', async () => {
      const first = await api.http.get('/api/health');
      const second = await api.http.get('/users/me');
      assert.equal(second.status, 401);
      const ids = [first.headers['x-request-id'], second.headers['x-request-id']];
      for (const id of ids) assert.match(String(id), UUID);
      assert.notEqual(ids[0], ids[1]);
    });

    it('sets an id on requests the body parser refuses (malformed JSON, 413)', async () => {
      const malformed = await postUsersRaw('{"login":');
      const oversized = await postUsersRaw(JSON.stringify({ login: 'x'.repeat(300 * 1024) }));
      assert.equal(malformed.status, 422);
      assert.equal(oversized.status, 413);
      for (const response of [malformed, oversized]) {
        assert.match(String(response.headers['x-request-id']), UUID, `${response.status}`);
      }
      const echoed = await api.http
        .post('/users')
        .set(admin)
        .set('X-Request-Id', 'parser-error-1')
        .set('Content-Type', 'application/json')
        .send('{"login":');
      assert.equal(echoed.headers['x-request-id'], 'parser-error-1');
    });

    it('replaces an id that is too long or carries unsafe characters', async () => {
      for (const unsafe of ['has space', 'a'.repeat(65), '<script>', 'semi;colon']) {
        const response = await api.http.get('/api/health').set('X-Request-Id', unsafe);
        assert.match(String(response.headers['x-request-id']), UUID, unsafe);
      }
    });
  });

  describe('CORS without CORS_ORIGINS', () => {
    it('sends no Access-Control-Allow-Origin', async () => {
      const preflight = await api.http
        .options('/users')
        .set('Origin', 'http://ui.example:3000')
        .set('Access-Control-Request-Method', 'POST');
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      const simple = await api.http.get('/api/health').set('Origin', 'http://ui.example:3000');
      assert.equal(simple.headers['access-control-allow-origin'], undefined);
    });
  });
});

describe('HTTP pipeline with CORS_ORIGINS=http://ui.example:3000', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi({ CORS_ORIGINS: 'http://ui.example:3000' });
    recorder.attach(api);
  });

  after(async () => {
    await api?.close();
  });

  describe('OPTIONS /users', () => {
    it('allows a preflight from the configured origin', async () => {
      const response = await api.http
        .options('/users')
        .set('Origin', 'http://ui.example:3000')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      assert.ok(response.status >= 200 && response.status < 300, String(response.status));
      assert.equal(response.headers['access-control-allow-origin'], 'http://ui.example:3000');
      assert.match(String(response.headers['access-control-allow-methods']), /POST/);
    });

    it('does not allow a preflight from another origin', async () => {
      for (const origin of ['http://evil.example', 'http://ui.example:3001', 'null']) {
        const response = await api.http
          .options('/users')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'POST');
        assert.equal(response.headers['access-control-allow-origin'], undefined, origin);
      }
    });
  });

  describe('GET /api/health', () => {
    it('answers the configured origin with Access-Control-Allow-Origin', async () => {
      const allowed = await api.http.get('/api/health').set('Origin', 'http://ui.example:3000');
      assert.equal(allowed.headers['access-control-allow-origin'], 'http://ui.example:3000');
      const other = await api.http.get('/api/health').set('Origin', 'http://evil.example');
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    });
  });
});

describe('HTTP pipeline with LOG_LEVEL=INFO', () => {
  let api: TestApi | undefined;
  const capture = new OutputCapture('everything');

  before(async () => {
    capture.start();
    api = await startTestApi({ LOG_LEVEL: 'INFO' });
    recorder.attach(api);
  });

  after(async () => {
    try {
      await api?.close();
    } finally {
      capture.stop();
    }
  });

  describe('request log', () => {
    it('writes an access line for requests the body parser refuses', async () => {
      assert.ok(api);
      const token = await api.adminToken();
      const oversized = await api.http
        .post('/users')
        .set(bearer(token))
        .set('X-Request-Id', 'oversized-body-1')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ login: 'x'.repeat(300 * 1024) }));
      assert.equal(oversized.status, 413);
      const malformed = await api.http
        .post('/users')
        .set(bearer(token))
        .set('X-Request-Id', 'malformed-body-1')
        .set('Content-Type', 'application/json')
        .send('{"login":');
      assert.equal(malformed.status, 422);
      await capture.waitFor(/malformed-body-1/);
      assert.match(capture.text, /POST \/users 413 .*id=oversized-body-1/);
      assert.match(capture.text, /POST \/users 422 .*id=malformed-body-1/);
    });

    it('writes an access line per request without passwords, tokens or Authorization', async () => {
      assert.ok(api);
      const wrongPassword = 'wrong-Pa55word-xyz';
      const failed = await api.http
        .post('/token')
        .type('form')
        .send({ username: 'admin', password: wrongPassword });
      assert.equal(failed.status, 401);
      const token = await api.login('admin', TEST_ADMIN_PASSWORD);
      const me = await api.http
        .get('/users/me')
        .set(bearer(token))
        .set('X-Request-Id', 'log-check-1');
      assert.equal(me.status, 200);
      const secretQuery = 'query-secret-value-123';
      await api.http.get(`/api/health?access_token=${secretQuery}&password=${secretQuery}`);

      await capture.waitFor(/GET \/api\/health\?/);
      const log = capture.text;
      assert.match(log, /POST \/token 401 /);
      assert.match(log, /POST \/token 200 /);
      assert.match(log, /GET \/users\/me 200 .*user=admin.*id=log-check-1/);
      assert.match(log, /GET \/api\/health\?\S*REDACTED/);
      for (const secret of [
        TEST_ADMIN_PASSWORD,
        wrongPassword,
        token,
        token.split('.')[2] ?? token,
        secretQuery,
        'Bearer ',
      ]) {
        assert.equal(log.includes(secret), false, `the log contains ${secret}`);
      }
    });
  });
});

// Runs last (describes run in order): covers every response of the suites above.
describe('Response bodies of this file', () => {
  it('contain no stack trace, module path, source location or SQL', () => {
    assert.ok(recorder.bodies.length > 40, `recorded ${recorder.bodies.length} responses`);
    for (const recorded of recorder.bodies) {
      assertNoInternalsIn(recorded.body, `${recorded.request} (${recorded.status})`);
    }
  });
});
