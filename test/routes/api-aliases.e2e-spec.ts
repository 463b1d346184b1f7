/**
 * Every root route also answers under /api with the same handler and the same roles (the
 * upstream project's clients call only /api/...); routes that live under /api are served as
 * they are. Walks the OpenAPI document, so a new route is covered the day it is added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { bearer, startTestApi, type TestApi } from '../support/api.js';

type Role = 'viewer' | 'operator' | 'admin';
const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface PathItem {
  servers?: { url: string }[];
  [method: string]: unknown;
}
interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, PathItem>;
}

/** Path parameters that name nothing, so admitted calls change nothing. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => `alias-probe-${name}`);
}

/** The guards' verdict: 401, 403, or let through (anything else). */
function verdict(response: Response): string {
  if (response.status === 401 || response.status === 403) return String(response.status);
  assert.ok(response.status < 500, `${response.status} ${response.text}`);
  return 'admitted';
}

describe('API aliases', () => {
  let api: TestApi;
  let document: OpenApiDocument;
  const tokens = {} as Record<Role, string>;

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    tokens.admin = await api.adminToken();
    tokens.viewer = await api.userToken('alias-viewer', 'viewer');
    tokens.operator = await api.userToken('alias-operator', 'operator');
    document = (await api.http.get('/openapi.json')).body as OpenApiDocument;
  });

  after(async () => {
    await api?.close();
  });

  function call(method: string, url: string, token?: string): Promise<Response> {
    const verb = method as (typeof HTTP_METHODS)[number];
    let pending = api.http[verb](url);
    if (token) pending = pending.set(bearer(token));
    return verb === 'post' || verb === 'put' || verb === 'patch' ? pending.send({}) : pending;
  }

  it('documents the /api server once, not a second copy of every path', () => {
    assert.deepEqual(
      document.servers?.map((server) => server.url),
      ['/', '/api'],
    );
    assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/api/api/')));
    for (const [path, item] of Object.entries(document.paths)) {
      const native = path.startsWith('/api/');
      assert.deepEqual(
        item.servers?.map((server) => server.url),
        native ? ['/'] : undefined,
        path,
      );
    }
  });

  it('answers every root operation under /api with the same verdict for every caller', async () => {
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      if (path.startsWith('/api/')) continue;
      for (const method of HTTP_METHODS) {
        if (!item[method]) continue;
        const url = concrete(path);
        for (const token of [undefined, ...ROLES.map((role) => tokens[role])]) {
          const root = verdict(await call(method, url, token));
          const alias = verdict(await call(method, `/api${url}`, token));
          assert.equal(alias, root, `${method.toUpperCase()} /api${url}`);
        }
        checked += 1;
      }
    }
    assert.ok(checked >= 15, `${checked} root operations`);
  });

  it('returns the same body at /servers and /api/servers', async () => {
    const root = await api.http.get('/servers').set(bearer(tokens.viewer));
    const alias = await api.http.get('/api/servers').set(bearer(tokens.viewer));
    assert.equal(alias.status, 200);
    assert.deepEqual(alias.body, root.body);
  });

  it('logs in through POST /api/token', async () => {
    const response = await api.http
      .post('/api/token')
      .type('form')
      .send({ username: 'admin', password: 'admin-password-123' });
    assert.equal(response.status, 200, response.text);
  });

  it('serves the routes that live under /api as they are, and 404 for /api/api/...', async () => {
    assert.equal((await api.http.get('/api/health')).status, 200);
    assert.equal((await api.http.get('/api/api/health')).status, 404);
    assert.equal((await api.http.get('/api/no-such-route')).status, 404);
  });
});
