import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';

/** The directives of a Content-Security-Policy header, by name. */
function cspDirectives(response: Response): Map<string, string[]> {
  const header = response.headers['content-security-policy'];
  assert.equal(typeof header, 'string', 'Content-Security-Policy is set');
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

/** The URLs of the scripts, stylesheets and icons an HTML page references. */
function referencedAssets(html: string): string[] {
  const pattern = /<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g;
  return [...html.matchAll(pattern)].map((match) => match[1] ?? '');
}

describe('HTTP pipeline security headers (helmet)', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi();
  });

  after(async () => {
    await api?.close();
  });

  describe('GET /api/health', () => {
    it('answers X-Content-Type-Options: nosniff and no X-Powered-By', async () => {
      const response = await api.http.get('/api/health');
      assert.equal(response.status, 200);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-powered-by'], undefined);
    });

    it('sends no Strict-Transport-Security (pgmon speaks plain HTTP; the TLS proxy decides)', async () => {
      const response = await api.http.get('/api/health');
      assert.equal(response.headers['strict-transport-security'], undefined);
    });
  });

  describe('errors', () => {
    it('carry nosniff too (401 and 404)', async () => {
      for (const path of ['/servers', '/no-such-route']) {
        const response = await api.http.get(path);
        assert.ok([401, 404].includes(response.status), `${path}: ${response.status}`);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', path);
      }
    });
  });

  describe('POST /token', () => {
    it('answers Cache-Control: no-store with the token', async () => {
      const response = await api.http
        .post('/token')
        .type('form')
        .send({ username: 'admin', password: TEST_ADMIN_PASSWORD });
      assert.equal(response.status, 200, response.text);
      assert.match(String(response.headers['cache-control']), /\bno-store\b/);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    });

    it('answers Cache-Control: no-store on a failed login, also under /api', async () => {
      for (const path of ['/token', '/api/token']) {
        const response = await api.http
          .post(path)
          .type('form')
          .send({ username: 'admin', password: 'not the password' });
        assert.equal(response.status, 401, path);
        assert.match(String(response.headers['cache-control']), /\bno-store\b/, path);
      }
    });
  });

  describe('GET /docs', () => {
    it('cannot be framed: X-Frame-Options DENY and frame-ancestors none', async () => {
      const response = await api.http.get('/docs');
      assert.equal(response.status, 200);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.deepEqual(cspDirectives(response).get('frame-ancestors'), ["'none'"]);
    });

    it('allows what Swagger UI needs: its own scripts, inline styles, data: images, no upgrade to https', async () => {
      const csp = cspDirectives(await api.http.get('/docs'));
      assert.deepEqual(csp.get('script-src'), ["'self'"]);
      assert.ok(csp.get('style-src')?.includes("'unsafe-inline'"), 'inline styles');
      assert.ok(csp.get('img-src')?.includes('data:'), 'data: images');
      assert.ok(csp.get('connect-src') ?? csp.get('default-src'), 'fetches to self');
      assert.equal(csp.has('upgrade-insecure-requests'), false);
    });

    it('references only same-origin assets, and each loads with 200 and its type', async () => {
      const page = await api.http.get('/docs');
      assert.match(page.text, /<div id="swagger-ui">/);
      const assets = referencedAssets(page.text);
      assert.ok(assets.length >= 4, `assets: ${assets.join(', ')}`);
      for (const asset of assets) {
        assert.ok(!/^[a-z]+:|^\/\//i.test(asset), `${asset} is same-origin`);
        const response = await api.http.get(new URL(asset, 'http://pgmon/docs').pathname);
        assert.equal(response.status, 200, asset);
        const type = String(response.headers['content-type']);
        if (asset.endsWith('.js')) assert.match(type, /javascript/, asset);
        if (asset.endsWith('.css')) assert.match(type, /text\/css/, asset);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', asset);
      }
      // The init script builds the UI from the OpenAPI document, which must load too.
      const init = await api.http.get('/docs/swagger-ui-init.js');
      assert.match(init.text, /SwaggerUIBundle/);
      assert.equal((await api.http.get('/openapi.json')).status, 200);
    });
  });
});
