import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { bearer, startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';
import { decodeClaims, decodeHeader } from '../support/jwt.js';
import { issueLocations } from '../support/responses.js';
import { timed } from '../support/timing.js';

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
}

function postToken(api: TestApi, form: Record<string, string> | string): Promise<Response> {
  return api.http.post('/token').type('form').send(form);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

describe('TokenController', () => {
  let api: TestApi;
  /** Tokens issued by the tests below, in order. */
  const issued: string[] = [];

  before(async () => {
    // Many deliberate failures below: keep the lockout out of the way of this app.
    api = await startTestApi({ LOGIN_MAX_FAILURES: '1000' });
  });

  after(async () => {
    await api?.close();
  });

  describe('POST /token', () => {
    it('returns a bearer token for a form-encoded login', async () => {
      const response = await postToken(api, { username: 'admin', password: TEST_ADMIN_PASSWORD });
      assert.equal(response.status, 200, response.text);
      const body = response.body as TokenBody;
      assert.equal(body.token_type, 'bearer');
      assert.equal(typeof body.access_token, 'string');
      assert.equal(body.expires_in, 3600);
      assert.deepEqual(decodeHeader(body.access_token).alg, 'HS256');
      const claims = decodeClaims(body.access_token);
      assert.equal(claims.sub, 'admin');
      assert.equal(claims.role, 'admin');
      assert.equal(typeof claims.jti, 'string');
      assert.ok((claims.jti as string).length > 0);
      assert.equal(typeof claims.iat, 'number');
      assert.equal(typeof claims.exp, 'number');
      assert.equal((claims.exp as number) - (claims.iat as number), 3600);
      assert.ok(Math.abs((claims.iat as number) - Date.now() / 1000) < 60, 'iat is now');
      const me = await api.http.get('/users/me').set(bearer(body.access_token));
      assert.equal(me.status, 200);
      assert.equal((me.body as { login: string }).login, 'admin');
      issued.push(body.access_token);
    });

    it('accepts and ignores the other OAuth2 password-flow fields', async () => {
      const response = await postToken(api, {
        grant_type: 'password',
        username: 'admin',
        password: TEST_ADMIN_PASSWORD,
        scope: 'read write',
        client_id: 'swagger-ui',
        client_secret: 'whatever',
      });
      assert.equal(response.status, 200, response.text);
      assert.equal((response.body as TokenBody).token_type, 'bearer');
      issued.push((response.body as TokenBody).access_token);
    });

    it('gives every token its own jti', () => {
      assert.equal(issued.length, 2, 'the two tests above issued a token each');
      const [first = '', second = ''] = issued;
      assert.notEqual(decodeClaims(first).jti, decodeClaims(second).jti);
    });

    it('returns the same 401 for a wrong password and an unknown user', async () => {
      const wrong = await postToken(api, { username: 'admin', password: 'not-the-password' });
      const unknown = await postToken(api, { username: 'nobody-here', password: 'whatever1' });
      for (const response of [wrong, unknown]) {
        assert.equal(response.status, 401);
        assert.deepEqual(response.body, { detail: 'Invalid credentials' });
        assert.equal(response.headers['www-authenticate'], 'Bearer');
      }
      assert.equal(wrong.text, unknown.text);
    });

    it('takes about as long for an unknown user as for a wrong password', async () => {
      const wrongTimes: number[] = [];
      const unknownTimes: number[] = [];
      // Five interleaved rounds: hashing runs on a thread that other processes can delay.
      for (let round = 0; round < 5; round++) {
        const wrong = await timed(() =>
          postToken(api, { username: 'admin', password: `wrong-${round}` }),
        );
        const unknown = await timed(() =>
          postToken(api, { username: `ghost-${round}`, password: `wrong-${round}` }),
        );
        assert.equal(wrong.value.status, 401);
        assert.equal(unknown.value.status, 401);
        wrongTimes.push(wrong.ms);
        unknownTimes.push(unknown.ms);
      }
      const wrongMedian = median(wrongTimes);
      const unknownMedian = median(unknownTimes);
      const detail = `wrong password ${wrongMedian.toFixed(0)} ms, unknown user ${unknownMedian.toFixed(0)} ms`;
      assert.ok(unknownMedian >= wrongMedian / 2, detail);
      assert.ok(wrongMedian >= unknownMedian / 2, detail);
    });

    it('answers 422 naming username and password when they are missing', async () => {
      const neither = await postToken(api, {});
      assert.equal(neither.status, 422);
      assert.deepEqual(issueLocations(neither, { typed: true }).sort(), [
        'body.password',
        'body.username',
      ]);

      const noPassword = await postToken(api, { username: 'admin' });
      assert.equal(noPassword.status, 422);
      assert.deepEqual(issueLocations(noPassword, { typed: true }), ['body.password']);

      const emptyUsername = await postToken(api, { username: '', password: TEST_ADMIN_PASSWORD });
      assert.equal(emptyUsername.status, 422);
      assert.deepEqual(issueLocations(emptyUsername, { typed: true }), ['body.username']);
    });

    it('answers 422 for a field sent twice', async () => {
      const response = await postToken(
        api,
        `username=admin&username=other&password=${TEST_ADMIN_PASSWORD}`,
      );
      assert.equal(response.status, 422);
      assert.deepEqual(issueLocations(response, { typed: true }), ['body.username']);
    });

    it('refuses grant_type=client_credentials with 422', async () => {
      const response = await postToken(api, {
        grant_type: 'client_credentials',
        username: 'admin',
        password: TEST_ADMIN_PASSWORD,
      });
      assert.equal(response.status, 422);
      assert.deepEqual(issueLocations(response, { typed: true }), ['body.grant_type']);
    });

    it('refuses a disabled user and revokes its tokens at once; re-enabling does not revive them', async () => {
      const admin = bearer(await api.adminToken());
      const password = await api.createUser('tok-disabled', 'viewer');
      const token = await api.login('tok-disabled', password);
      assert.equal((await api.http.get('/users/me').set(bearer(token))).status, 200);

      const disabled = await api.http
        .put('/users/tok-disabled')
        .set(admin)
        .send({ is_active: false });
      assert.equal(disabled.status, 200, disabled.text);
      const afterDisable = await api.http.get('/users/me').set(bearer(token));
      assert.equal(afterDisable.status, 401);
      assert.equal(afterDisable.headers['www-authenticate'], 'Bearer');
      const refused = await postToken(api, { username: 'tok-disabled', password });
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, { detail: 'Invalid credentials' });

      const enabled = await api.http
        .put('/users/tok-disabled')
        .set(admin)
        .send({ is_active: true });
      assert.equal(enabled.status, 200, enabled.text);
      assert.equal((await api.http.get('/users/me').set(bearer(token))).status, 401);
      const fresh = await api.login('tok-disabled', password);
      assert.equal((await api.http.get('/users/me').set(bearer(fresh))).status, 200);
    });

    it('revokes tokens issued before a password change; the new password logs in', async () => {
      const admin = bearer(await api.adminToken());
      const oldPassword = await api.createUser('tok-rotated', 'operator');
      const oldToken = await api.login('tok-rotated', oldPassword);
      assert.equal((await api.http.get('/users/me').set(bearer(oldToken))).status, 200);

      const newPassword = 'a brand new passphrase';
      const changed = await api.http
        .put('/users/tok-rotated')
        .set(admin)
        .send({ password: newPassword });
      assert.equal(changed.status, 200, changed.text);
      const stale = await api.http.get('/users/me').set(bearer(oldToken));
      assert.equal(stale.status, 401);
      assert.equal(stale.headers['www-authenticate'], 'Bearer');
      assert.equal(
        (await postToken(api, { username: 'tok-rotated', password: oldPassword })).status,
        401,
      );
      const newToken = await api.login('tok-rotated', newPassword);
      const me = await api.http.get('/users/me').set(bearer(newToken));
      assert.equal(me.status, 200);
      assert.equal((me.body as { role: string }).role, 'operator');
    });
  });
});

describe('TokenController with LOGIN_MAX_FAILURES=3 and JWT_EXPIRE_MINUTES=5', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi({ LOGIN_MAX_FAILURES: '3', JWT_EXPIRE_MINUTES: '5' });
  });

  after(async () => {
    await api?.close();
  });

  describe('POST /token', () => {
    it('issues tokens that live JWT_EXPIRE_MINUTES', async () => {
      const response = await postToken(api, { username: 'admin', password: TEST_ADMIN_PASSWORD });
      assert.equal(response.status, 200);
      const body = response.body as TokenBody;
      assert.equal(body.expires_in, 300);
      const claims = decodeClaims(body.access_token);
      assert.equal((claims.exp as number) - (claims.iat as number), 300);
    });

    it('does not count malformed forms as failed logins', async () => {
      for (let attempt = 0; attempt < 4; attempt++) {
        assert.equal((await postToken(api, { username: 'admin' })).status, 422);
      }
      const response = await postToken(api, { username: 'admin', password: TEST_ADMIN_PASSWORD });
      assert.equal(response.status, 200, response.text);
    });

    it('locks the client out with 429 and Retry-After after 3 failures, even with the right password', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const failed = await postToken(api, { username: 'admin', password: `wrong-${attempt}` });
        assert.equal(failed.status, 401, `attempt ${attempt + 1}`);
      }
      const locked = await postToken(api, { username: 'admin', password: TEST_ADMIN_PASSWORD });
      assert.equal(locked.status, 429, locked.text);
      const retryAfter = Number(locked.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter), `Retry-After: ${locked.headers['retry-after']}`);
      assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After: ${retryAfter}`);
      const detail = (locked.body as { detail?: unknown }).detail;
      assert.equal(typeof detail, 'string');
      assert.ok((detail as string).length > 0);
      const unknown = await postToken(api, { username: 'someone-else', password: 'whatever1' });
      assert.equal(unknown.status, 429);
    });
  });
});
