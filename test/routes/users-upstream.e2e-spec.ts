/**
 * What the upstream web UI reads and writes on users: `last_login`, an optional `email`
 * (validated; null removes it), and GET /users/{login} (also under /api).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { issueLocations } from '../support/responses.js';

interface UserBody {
  login: string;
  email: string | null;
  last_login: string | null;
  last_login_at: string | null;
}

describe('UsersController (upstream fields)', () => {
  let api: TestApi;
  let admin: { Authorization: string };

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    admin = bearer(await api.adminToken());
  });

  after(async () => {
    await api?.close();
  });

  describe('POST /api/users', () => {
    it('returns the user with its email, and null last_login before any login', async () => {
      const response = await api.http.post('/api/users').set(admin).send({
        login: 'up-dana',
        password: 'dana-password-1',
        role: 'viewer',
        email: 'dana@example.com',
      });
      assert.equal(response.status, 201, response.text);
      const user = response.body as UserBody;
      assert.equal(user.email, 'dana@example.com');
      assert.equal(user.last_login, null);
    });

    it('takes null (what the UI sends for an empty field) as no email', async () => {
      const response = await api.http
        .post('/api/users')
        .set(admin)
        .send({ login: 'up-erin', password: 'erin-password-1', email: null });
      assert.equal(response.status, 201, response.text);
      assert.equal((response.body as UserBody).email, null);
    });

    it('refuses an email that is not one with 422 naming body.email, and creates nothing', async () => {
      for (const email of ['not-an-email', 42, `${'x'.repeat(250)}@example.com`, ['a@b.c']]) {
        const response = await api.http
          .post('/api/users')
          .set(admin)
          .send({ login: 'up-bad', password: 'bad-password-1', email });
        assert.equal(response.status, 422, JSON.stringify(email));
        assert.deepEqual(issueLocations(response), ['body.email'], JSON.stringify(email));
      }
      assert.equal((await api.http.get('/api/users/up-bad').set(admin)).status, 404);
    });
  });

  describe('PUT /api/users/{login}', () => {
    it('changes the email, and null removes it', async () => {
      await api.createUser('up-finn', 'viewer');
      const set = await api.http
        .put('/api/users/up-finn')
        .set(admin)
        .send({ role: 'viewer', email: 'finn@example.com' });
      assert.equal(set.status, 200, set.text);
      assert.equal((set.body as UserBody).email, 'finn@example.com');
      const kept = await api.http.put('/api/users/up-finn').set(admin).send({ role: 'operator' });
      assert.equal((kept.body as UserBody).email, 'finn@example.com', 'omitted: kept');
      const removed = await api.http.put('/api/users/up-finn').set(admin).send({ email: null });
      assert.equal((removed.body as UserBody).email, null);
    });
  });

  describe('GET /api/users/{login}', () => {
    it('returns the user, found in any case, with last_login after a login', async () => {
      const password = await api.createUser('Up-Gina', 'operator');
      await api.login('up-gina', password);
      for (const path of ['/api/users/up-gina', '/users/UP-GINA']) {
        const response = await api.http.get(path).set(admin);
        assert.equal(response.status, 200, `${path}: ${response.text}`);
        const user = response.body as UserBody;
        assert.equal(user.login, 'Up-Gina');
        assert.equal(typeof user.last_login, 'string');
        assert.equal(user.last_login, user.last_login_at);
        assert.ok(Date.now() - Date.parse(user.last_login ?? '') < 60_000, 'just now');
      }
    });

    it('answers 404 for an unknown login', async () => {
      const response = await api.http.get('/api/users/nobody-here').set(admin);
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, { detail: 'User nobody-here not found' });
    });

    it('refuses an operator with 403', async () => {
      const token = await api.userToken('up-hank', 'operator');
      assert.equal((await api.http.get('/api/users/up-hank').set(bearer(token))).status, 403);
    });

    it('still answers /users/me for the caller, not a user named "me"', async () => {
      const response = await api.http.get('/api/users/me').set(admin);
      assert.equal((response.body as UserBody).login, 'admin');
    });
  });
});
