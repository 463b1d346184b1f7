import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { startTestApi, type TestApi } from '../support/api.js';
import { decodeClaims, expiredToken, signJwt, unsignedToken } from '../support/jwt.js';

/** `refresh-cookie`: public to the token guard, authenticated by the refresh_token cookie. */
type Access = 'public' | 'refresh-cookie' | 'viewer' | 'operator' | 'admin';
type Role = Exclude<Access, 'public' | 'refresh-cookie'>;

/**
 * Every operation of the API and the least privileged caller it admits. A route added to the
 * app without a line here fails the "lists exactly" test: decide its access, then add it.
 */
const ACCESS: Record<string, Access> = {
  'POST /token': 'public',
  'POST /api/refresh': 'refresh-cookie',
  'POST /api/logout': 'public',
  'GET /api/health': 'public',
  'GET /users/me': 'viewer',
  'GET /users': 'admin',
  'GET /users/{login}': 'admin',
  'POST /users': 'admin',
  'PUT /users/{login}': 'admin',
  'DELETE /users/{login}': 'admin',
  'GET /servers': 'viewer',
  'GET /servers/{server_name}': 'viewer',
  'POST /servers': 'operator',
  'PUT /servers/{server_name}': 'operator',
  'DELETE /servers/{server_name}': 'operator',
  'POST /servers/{server_name}/test': 'operator',
  'POST /api/servers/{server_name}/test-pg': 'operator',
  'POST /api/servers/{server_name}/test-ssh': 'operator',
  'GET /server_stats/{server_name}': 'viewer',
  'GET /api/pools/status': 'viewer',
  'GET /server/{server_name}/stats': 'viewer',
  'GET /server/{server_name}/db/{db_name}': 'viewer',
  'GET /server/{server_name}/db/{db_name}/stats': 'viewer',
  'GET /api/collector/status': 'viewer',
  'GET /server/{server_name}/locks': 'viewer',
  'POST /server/{server_name}/sessions/{pid}/cancel': 'operator',
  'POST /server/{server_name}/sessions/{pid}/terminate': 'operator',
  'GET /server/{server_name}/checks': 'viewer',
  'GET /checks': 'viewer',
  'GET /audit': 'admin',
  'GET /server/{server_name}/queries': 'viewer',
  'GET /server/{server_name}/queries/{queryid}': 'viewer',
  'GET /server/{server_name}/activity/history': 'viewer',
  'GET /server/{server_name}/activity/at': 'viewer',
  'GET /alerts': 'viewer',
  'GET /alerts/history': 'viewer',
  'GET /alert-rules': 'viewer',
  'PUT /alert-rules/{check}': 'admin',
  'GET /silences': 'operator',
  'POST /silences': 'operator',
  'DELETE /silences/{id}': 'operator',
  'GET /notification-channels': 'admin',
  'POST /notification-channels': 'admin',
  'GET /notification-channels/{name}': 'admin',
  'PUT /notification-channels/{name}': 'admin',
  'DELETE /notification-channels/{name}': 'admin',
  'POST /notification-channels/{name}/test': 'admin',
  'GET /notification-channels/{name}/deliveries': 'admin',
  'GET /api/audit/sessions': 'admin',
  'GET /api/audit/sessions/stats': 'admin',
  'GET /api/ssh-keys': 'operator',
  'POST /api/ssh-keys/generate': 'operator',
  'POST /api/ssh-keys/import': 'operator',
  'GET /api/ssh-keys/{key_id}': 'operator',
  'PUT /api/ssh-keys/{key_id}': 'operator',
  'DELETE /api/ssh-keys/{key_id}': 'operator',
  'GET /api/ssh-keys/{key_id}/servers': 'operator',
  'GET /api/ssh-keys/{key_id}/download-public': 'operator',
  'GET /api/settings': 'viewer',
  'PUT /api/settings': 'admin',
  'GET /api/logs': 'admin',
  'GET /api/logs/stats': 'admin',
  // @Public() at the global guard, but MetricsAuthGuard wants METRICS_TOKEN or a user token.
  'GET /metrics': 'viewer',
};

/**
 * Operations that also take a bearer token no user logs in for (METRICS_TOKEN, given to
 * Prometheus): their OpenAPI security must offer the bearer scheme; the password flow (a user
 * token works too) may be listed besides.
 */
const BEARER_TOKEN_ROUTES = new Set(['GET /metrics']);

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** Values for path parameters: names that exist nowhere, so admitted calls change nothing. */
const PATH_SAMPLES: Record<string, string> = {
  login: 'route-probe-nobody',
  server_name: 'route-probe-nobody',
  name: 'route-probe-nobody',
  check: 'route-probe-nobody',
  id: '999999',
};

interface Operation {
  security?: Record<string, string[]>[];
  'x-required-role'?: string;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, Record<string, unknown>> };
}

function split(route: string): { method: string; path: string } {
  const [method = '', path = ''] = route.split(' ');
  return { method, path };
}

function concretePath(path: string): string {
  return path.replace(
    /\{(\w+)\}/g,
    (_match, name: string) => PATH_SAMPLES[name] ?? `probe-${name}`,
  );
}

function isAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

function assertUnauthorized(response: Response, expectedDetail?: string): void {
  assert.equal(response.status, 401, `expected 401, got ${response.status} ${response.text}`);
  assert.equal(response.headers['www-authenticate'], 'Bearer');
  const detail = (response.body as { detail?: unknown }).detail;
  assert.equal(typeof detail, 'string');
  assert.ok((detail as string).length > 0);
  if (expectedDetail !== undefined) assert.equal(detail, expectedDetail);
}

function assertAdmitted(response: Response): void {
  assert.ok(
    response.status !== 401 && response.status !== 403,
    `expected the guards to admit the call, got ${response.status} ${response.text}`,
  );
  assert.ok(response.status < 500, `unexpected ${response.status} ${response.text}`);
}

describe('Route protection', () => {
  let api: TestApi;
  let document: OpenApiDocument;
  const tokens = {} as Record<Role, string>;
  /** The admin's real claims without jti, iat and exp: what a forger would copy. */
  let adminClaims: Record<string, unknown>;

  /** Calls `route` (with a `{}` body where it takes one) and an optional raw Authorization. */
  function call(route: string, authorization?: string): Promise<Response> {
    const { method, path } = split(route);
    const url = concretePath(path);
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete' | 'patch';
    let pending = api.http[verb](url);
    if (authorization !== undefined) pending = pending.set('Authorization', authorization);
    return ['post', 'put', 'patch'].includes(verb) ? pending.send({}) : pending;
  }

  before(async () => {
    api = await startTestApi();
    tokens.admin = await api.adminToken();
    await api.createUser('rp-viewer', 'viewer', 'rp-viewer-password');
    [tokens.viewer, tokens.operator] = await Promise.all([
      api.login('rp-viewer', 'rp-viewer-password'),
      api.userToken('rp-operator', 'operator'),
    ]);
    adminClaims = Object.fromEntries(
      Object.entries(decodeClaims(tokens.admin)).filter(
        ([name]) => !['jti', 'iat', 'exp'].includes(name),
      ),
    );
    const response = await api.http.get('/openapi.json');
    assert.equal(response.status, 200);
    document = response.body as OpenApiDocument;
  });

  after(async () => {
    await api?.close();
  });

  describe('GET /openapi.json', () => {
    function operations(): [string, Operation][] {
      return Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => HTTP_METHODS.includes(method))
          .map(([method, operation]): [string, Operation] => [
            `${method.toUpperCase()} ${path}`,
            operation,
          ]),
      );
    }

    it('lists exactly the routes of the access table', () => {
      const documented = operations()
        .map(([route]) => route)
        .sort();
      assert.deepEqual(documented, Object.keys(ACCESS).sort());
    });

    it('marks each role-restricted operation with its x-required-role', () => {
      for (const [route, operation] of operations()) {
        const access = ACCESS[route];
        const marked = operation['x-required-role'];
        if (access === 'operator' || access === 'admin') {
          assert.equal(marked, access, `${route} x-required-role`);
        } else if (access === 'viewer') {
          assert.ok(marked === undefined || marked === 'viewer', `${route}: ${String(marked)}`);
        } else {
          assert.equal(marked, undefined, `${route} is ${access} but says ${String(marked)}`);
        }
      }
    });

    it('declares a bearer scheme and an OAuth2 password flow against /token', () => {
      const schemes = Object.values(document.components?.securitySchemes ?? {});
      assert.ok(
        schemes.some(
          (scheme) => scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer',
        ),
        'an http bearer scheme',
      );
      const flows = schemes
        .filter((scheme) => scheme.type === 'oauth2')
        .map((scheme) => (scheme.flows as { password?: { tokenUrl?: string } }).password);
      assert.ok(
        flows.some((flow) => flow?.tokenUrl === '/token'),
        'an oauth2 password flow with tokenUrl /token',
      );
    });

    it('puts a security requirement on protected operations only', () => {
      const schemeNames = Object.keys(document.components?.securitySchemes ?? {});
      for (const [route, operation] of operations()) {
        const requirements = operation.security ?? [];
        if (ACCESS[route] === 'public' || ACCESS[route] === 'refresh-cookie') {
          assert.deepEqual(requirements, [], `${route} must not require security`);
          continue;
        }
        assert.ok(requirements.length > 0, `${route} has no security requirement`);
        const named = requirements.flatMap((requirement) => Object.keys(requirement));
        if (BEARER_TOKEN_ROUTES.has(route)) {
          assert.ok(named.includes('bearer'), `${route} offers the bearer scheme`);
          continue;
        }
        assert.deepEqual(
          [...new Set(named)].sort(),
          [...schemeNames].sort(),
          `${route} offers both the bearer scheme and the password flow`,
        );
      }
    });
  });

  describe('GET /docs', () => {
    it('serves the Swagger UI and the OpenAPI document without a token', async () => {
      const docs = await api.http.get('/docs');
      assert.equal(docs.status, 200);
      assert.match(String(docs.headers['content-type']), /text\/html/);
      const json = await api.http.get('/openapi.json');
      assert.equal(json.status, 200);
      assert.match(String(json.headers['content-type']), /application\/json/);
    });
  });

  describe('Authorization header', () => {
    it('refuses a Basic scheme carrying valid credentials', async () => {
      const basic = Buffer.from('admin:admin-password-123').toString('base64');
      assertUnauthorized(await call('GET /users/me', `Basic ${basic}`));
    });

    it('refuses a bearer token passed in the query string instead of the header', async () => {
      assertUnauthorized(await api.http.get(`/users/me?access_token=${tokens.admin}`));
    });

    it('refuses a garbage bearer value', async () => {
      assertUnauthorized(await call('GET /users/me', 'Bearer not.a.jwt'));
      assertUnauthorized(await call('GET /users/me', 'Bearer '));
    });
  });

  for (const [route, access] of Object.entries(ACCESS)) {
    describe(route, () => {
      if (access === 'public') {
        it('answers without a token', async () => {
          assertAdmitted(await call(route));
        });
        return;
      }
      if (access === 'refresh-cookie') {
        it('refuses a call without the refresh cookie with 401, even with an admin token', async () => {
          assertUnauthorized(await call(route, `Bearer ${tokens.admin}`), 'Refresh token missing');
        });

        it('answers without a bearer token when the refresh cookie comes along', async () => {
          const login = await api.http
            .post('/token')
            .type('form')
            .send({ username: 'rp-viewer', password: 'rp-viewer-password' });
          const cookie = (login.headers['set-cookie'] as unknown as string[])[0] ?? '';
          const { method, path } = split(route);
          const verb = method.toLowerCase() as 'post';
          assertAdmitted(await api.http[verb](path).set('Cookie', cookie.split(';')[0] ?? ''));
        });
        return;
      }

      it('refuses a missing token with 401, WWW-Authenticate: Bearer and a detail', async () => {
        assertUnauthorized(await call(route));
      });

      it('refuses a token signed with the wrong key', async () => {
        const forged = signJwt(adminClaims, 'wrong-key');
        assertUnauthorized(await call(route, `Bearer ${forged}`));
      });

      it('refuses an alg: none token', async () => {
        const unsigned = unsignedToken(adminClaims);
        assertUnauthorized(await call(route, `Bearer ${unsigned}`));
      });

      it('refuses a token signed with the right key but HS512', async () => {
        const token = signJwt(adminClaims, api.env.SECRET_KEY ?? '', 'HS512');
        assertUnauthorized(await call(route, `Bearer ${token}`));
      });

      it('refuses an expired token with "Token has expired"', async () => {
        const token = expiredToken(adminClaims, api.env.SECRET_KEY ?? '');
        assertUnauthorized(await call(route, `Bearer ${token}`), 'Token has expired');
      });

      it('admits the same claims signed correctly (the control of the refusals here)', async () => {
        const token = signJwt(adminClaims, api.env.SECRET_KEY ?? '');
        assertAdmitted(await call(route, `Bearer ${token}`));
      });

      it('refuses a correctly signed token without exp', async () => {
        const token = signJwt({ ...adminClaims, exp: undefined }, api.env.SECRET_KEY ?? '');
        assert.equal(decodeClaims(token).exp, undefined);
        assertUnauthorized(await call(route, `Bearer ${token}`));
      });

      it('refuses a correctly signed token with a non-numeric exp', async () => {
        const future = Math.floor(Date.now() / 1000) + 600;
        const token = signJwt({ ...adminClaims, exp: String(future) }, api.env.SECRET_KEY ?? '');
        assertUnauthorized(await call(route, `Bearer ${token}`));
      });

      it('refuses a valid token of a user that does not exist', async () => {
        const token = signJwt(
          { sub: 'ghost-user', role: 'admin', ver: 0 },
          api.env.SECRET_KEY ?? '',
        );
        assertUnauthorized(await call(route, `Bearer ${token}`));
      });

      for (const role of ROLES) {
        if (isAtLeast(role, access)) {
          it(`lets a ${role} through`, async () => {
            assertAdmitted(await call(route, `Bearer ${tokens[role]}`));
          });
        } else {
          it(`refuses a ${role} with 403`, async () => {
            const response = await call(route, `Bearer ${tokens[role]}`);
            assert.equal(response.status, 403, response.text);
            assert.equal(typeof (response.body as { detail?: unknown }).detail, 'string');
          });
        }
      }

      if (access !== 'viewer') {
        it('refuses a viewer whose correctly signed token claims a higher role', async () => {
          const claims = { ...decodeClaims(tokens.viewer), role: 'admin' };
          const token = signJwt(claims, api.env.SECRET_KEY ?? '');
          const response = await call(route, `Bearer ${token}`);
          assert.equal(response.status, 403, response.text);
        });
      }
    });
  }
});
