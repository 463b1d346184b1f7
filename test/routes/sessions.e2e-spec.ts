/**
 * The upstream web UI's sessions against the real app: the refresh_token cookie set by
 * POST /token, its rotation by POST /api/refresh, reuse detection (a used token presented
 * again revokes the whole family), POST /api/logout, revocation by a password change or by
 * disabling the user, and the Origin check (CSRF).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseSetCookie, type SetCookie } from 'cookie';
import type { Response } from 'supertest';
import { bearer, startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
}

const EVIL_ORIGIN = 'https://evil.example';
const UI_ORIGIN = 'https://monitor.example.com';
/** The address the tests reach pgmon at (Host header), so the UI's own origin is this. */
const OWN_HOST = 'pgmon.test:8000';
const OWN_ORIGIN = `http://${OWN_HOST}`;

/** The refresh_token Set-Cookie of a response, parsed, or undefined. */
function refreshCookieOf(response: Response): SetCookie | undefined {
  const raw = response.headers['set-cookie'] as unknown as string[] | undefined;
  return (raw ?? []).map((line) => parseSetCookie(line)).find((c) => c.name === 'refresh_token');
}

/** The token a response set (asserting it set one). */
function tokenOf(response: Response): string {
  const cookie = refreshCookieOf(response);
  assert.ok(cookie?.value, `a refresh_token cookie in ${JSON.stringify(response.headers)}`);
  return cookie.value;
}

function assertCleared(response: Response): void {
  const cookie = refreshCookieOf(response);
  assert.ok(cookie, 'the response clears the cookie');
  assert.equal(cookie.value, '');
  assert.ok((cookie.expires?.getTime() ?? Infinity) <= Date.now(), 'expired');
}

describe('SessionController', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi({ CORS_ORIGINS: UI_ORIGIN, COLLECTOR_ENABLED: 'false' });
    await api.createUser('sess-alice', 'viewer', 'alice-password-1');
    await api.createUser('sess-bob', 'operator', 'bob-password-12');
  });

  after(async () => {
    await api?.close();
  });

  function login(username: string, password: string, path = '/token'): Promise<Response> {
    return api.http.post(path).type('form').send({ username, password });
  }

  function refresh(token?: string, origin?: string): Promise<Response> {
    let pending = api.http
      .post('/api/refresh')
      .set('Host', OWN_HOST)
      .set('User-Agent', 'pgmon-test-browser/1.0');
    if (token !== undefined) pending = pending.set('Cookie', `refresh_token=${token}`);
    if (origin !== undefined) pending = pending.set('Origin', origin);
    return pending;
  }

  describe('POST /token', () => {
    it('returns the seed body unchanged and sets an httpOnly SameSite=Strict cookie on /api', async () => {
      const response = await login('sess-alice', 'alice-password-1');
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(Object.keys(response.body as object).sort(), [
        'access_token',
        'expires_in',
        'token_type',
      ]);
      const cookie = refreshCookieOf(response);
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'strict');
      assert.equal(cookie.path, '/api');
      assert.equal(cookie.secure, undefined, 'not Secure over plain HTTP');
      assert.ok(cookie.value && cookie.value.length >= 40, 'a random token');
      const lifetimeS = (cookie.maxAge ?? 0) - 7 * 86_400;
      assert.ok(Math.abs(lifetimeS) <= 5, `Max-Age of 7 days, got ${cookie.maxAge}`);
    });

    it('sets the cookie from POST /api/token too', async () => {
      const response = await login('sess-alice', 'alice-password-1', '/api/token');
      assert.equal(response.status, 200, response.text);
      assert.ok(tokenOf(response));
    });

    it('sets no cookie for wrong credentials', async () => {
      const response = await login('sess-alice', 'wrong-password-1');
      assert.equal(response.status, 401);
      assert.equal(refreshCookieOf(response), undefined);
    });
  });

  describe('POST /api/refresh', () => {
    it('returns a new access token and rotates the cookie', async () => {
      const first = tokenOf(await login('sess-alice', 'alice-password-1'));
      const response = await refresh(first);
      assert.equal(response.status, 200, response.text);
      const body = response.body as TokenBody;
      assert.equal(body.token_type, 'bearer');
      assert.equal(body.expires_in, 3600);
      assert.match(String(response.headers['cache-control']), /no-store/);
      const me = await api.http.get('/api/users/me').set(bearer(body.access_token));
      assert.equal(me.status, 200);
      assert.equal((me.body as { login: string }).login, 'sess-alice');
      const second = tokenOf(response);
      assert.notEqual(second, first);
      assert.equal((await refresh(second)).status, 200, 'the rotated token works once');
    });

    it('refuses a missing cookie with 401 "Refresh token missing"', async () => {
      const response = await refresh();
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { detail: 'Refresh token missing' });
    });

    it('refuses an unknown token with 401 and clears the cookie', async () => {
      const response = await refresh('not-a-token-pgmon-issued');
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { detail: 'Invalid refresh token' });
      assertCleared(response);
    });

    it('revokes the whole family when a used token comes back', async () => {
      const first = tokenOf(await login('sess-alice', 'alice-password-1'));
      const second = tokenOf(await refresh(first));
      const third = tokenOf(await refresh(second));
      const replay = await refresh(first);
      assert.equal(replay.status, 401);
      assert.match((replay.body as { detail: string }).detail, /already used/);
      assertCleared(replay);
      const owner = await refresh(third);
      assert.equal(owner.status, 401, 'the newest token of the family is revoked too');
      assert.deepEqual(owner.body, { detail: 'Refresh token revoked' });
    });

    it('keeps other sessions of the same login when one family is revoked', async () => {
      const kept = tokenOf(await login('sess-alice', 'alice-password-1'));
      const stolen = tokenOf(await login('sess-alice', 'alice-password-1'));
      await refresh(stolen);
      assert.equal((await refresh(stolen)).status, 401);
      assert.equal((await refresh(kept)).status, 200);
    });

    it('refuses every token of a user whose password changed', async () => {
      const token = tokenOf(await login('sess-bob', 'bob-password-12'));
      const changed = await api.http
        .put('/users/sess-bob')
        .set(bearer(await api.adminToken()))
        .send({ password: 'bob-password-34' });
      assert.equal(changed.status, 200, changed.text);
      const response = await refresh(token);
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { detail: 'Refresh token revoked' });
      assert.equal(
        (await refresh(tokenOf(await login('sess-bob', 'bob-password-34')))).status,
        200,
      );
    });

    it('refuses every token of a disabled user, also once enabled again', async () => {
      await api.createUser('sess-carol', 'viewer', 'carol-password-1');
      const token = tokenOf(await login('sess-carol', 'carol-password-1'));
      const admin = bearer(await api.adminToken());
      await api.http.put('/users/sess-carol').set(admin).send({ is_active: false });
      assert.equal((await refresh(token)).status, 401);
      await api.http.put('/users/sess-carol').set(admin).send({ is_active: true });
      assert.equal((await refresh(token)).status, 401);
    });

    it('refuses a page of another site with 403 "Invalid origin", before using the token', async () => {
      const token = tokenOf(await login('sess-alice', 'alice-password-1'));
      const response = await refresh(token, EVIL_ORIGIN);
      assert.equal(response.status, 403);
      assert.deepEqual(response.body, { detail: 'Invalid origin' });
      assert.equal((await refresh(token, OWN_ORIGIN)).status, 200, 'the token is still unused');
    });

    it('accepts the UI of CORS_ORIGINS, with credentials allowed', async () => {
      const token = tokenOf(await login('sess-alice', 'alice-password-1'));
      const response = await refresh(token, UI_ORIGIN);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['access-control-allow-origin'], UI_ORIGIN);
      assert.equal(response.headers['access-control-allow-credentials'], 'true');
    });

    it('records the refresh with the client address and user agent in the audit log', async () => {
      const token = tokenOf(await login('sess-alice', 'alice-password-1'));
      assert.equal((await refresh(token)).status, 200);
      const audit = await api.http
        .get('/audit')
        .query({ action: 'auth.refresh', actor: 'sess-alice' })
        .set(bearer(await api.adminToken()));
      assert.equal(audit.status, 200, audit.text);
      const [entry] = audit.body as { user_agent: string; client_ip: string; outcome: string }[];
      assert.equal(entry?.user_agent, 'pgmon-test-browser/1.0');
      assert.match(entry?.client_ip ?? '', /127\.0\.0\.1/);
      assert.equal(entry?.outcome, 'success');
    });
  });

  describe('POST /api/logout', () => {
    it('revokes the session and clears the cookie', async () => {
      const token = tokenOf(await login('sess-alice', 'alice-password-1'));
      const response = await api.http.post('/api/logout').set('Cookie', `refresh_token=${token}`);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body, { detail: 'Logged out' });
      assertCleared(response);
      assert.equal(refreshCookieOf(response)?.path, '/api');
      assert.equal((await refresh(token)).status, 401);
    });

    it('answers 200 without a session to end', async () => {
      const response = await api.http.post('/api/logout');
      assert.equal(response.status, 200);
      assertCleared(response);
    });

    it('refuses a page of another site with 403 and keeps the session', async () => {
      const token = tokenOf(await login('sess-alice', 'alice-password-1'));
      const response = await api.http
        .post('/api/logout')
        .set('Cookie', `refresh_token=${token}`)
        .set('Origin', EVIL_ORIGIN);
      assert.equal(response.status, 403);
      assert.equal((await refresh(token)).status, 200);
    });
  });

  describe('behind a TLS proxy (TRUST_PROXY)', () => {
    let proxied: TestApi;

    before(async () => {
      proxied = await startTestApi({ TRUST_PROXY: '1', COLLECTOR_ENABLED: 'false' });
    });

    after(async () => {
      await proxied?.close();
    });

    it('marks the cookie Secure and accepts the proxied origin', async () => {
      const response = await proxied.http
        .post('/token')
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send({ username: 'admin', password: TEST_ADMIN_PASSWORD });
      assert.equal(response.status, 200, response.text);
      assert.equal(refreshCookieOf(response)?.secure, true);
      const renewed = await proxied.http
        .post('/api/refresh')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'pgmon.example.com')
        .set('Origin', 'https://pgmon.example.com')
        .set('Cookie', `refresh_token=${tokenOf(response)}`);
      assert.equal(renewed.status, 200, renewed.text);
      assert.equal(refreshCookieOf(renewed)?.secure, true);
    });
  });
});
