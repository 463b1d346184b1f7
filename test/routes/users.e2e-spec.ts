import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { bearer, startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';
import { assertNoKeysMatching, issueLocations } from '../support/responses.js';

interface UserBody {
  login: string;
  role: string;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** Keys that look like a password or a hash: no users response may carry one. */
const SECRET_KEYS = /password|hash/i;
const VIEW_KEYS = [
  'created_at',
  'email',
  'is_active',
  'last_login',
  'last_login_at',
  'login',
  'role',
  'updated_at',
];

function assertUserView(body: unknown, expected: Partial<UserBody>): void {
  assert.deepEqual(Object.keys(body as object).sort(), VIEW_KEYS);
  const user = body as UserBody;
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(user[key as keyof UserBody], value, key);
  }
  assert.ok(!Number.isNaN(Date.parse(user.created_at)), 'created_at is a date');
  assert.ok(!Number.isNaN(Date.parse(user.updated_at)), 'updated_at is a date');
}

describe('UsersController', () => {
  let api: TestApi;
  let admin: { Authorization: string };

  /** Every users response goes through here: none may carry a password or a hash. */
  async function checked(pending: PromiseLike<Response>): Promise<Response> {
    const response = await pending;
    assertNoKeysMatching(response.body, SECRET_KEYS);
    return response;
  }

  async function findUser(login: string): Promise<UserBody | undefined> {
    const list = await checked(api.http.get('/users').set(admin));
    assert.equal(list.status, 200);
    return (list.body as UserBody[]).find((user) => user.login === login);
  }

  before(async () => {
    api = await startTestApi();
    admin = bearer(await api.adminToken());
  });

  after(async () => {
    await api?.close();
  });

  describe('GET /users', () => {
    it('returns every user as a view, ordered by login, without password fields', async () => {
      await api.createUser('list-b', 'viewer');
      const response = await checked(api.http.get('/users').set(admin));
      assert.equal(response.status, 200);
      const users = response.body as UserBody[];
      assert.ok(Array.isArray(users));
      const logins = users.map((user) => user.login);
      assert.ok(logins.includes('admin') && logins.includes('list-b'), logins.join(','));
      assert.deepEqual(logins, [...logins].sort());
      for (const user of users) assertUserView(user, {});
      const adminView = users.find((user) => user.login === 'admin');
      assert.equal(adminView?.role, 'admin');
      assert.equal(adminView?.is_active, true);
      assert.equal(typeof adminView?.last_login_at, 'string', 'admin has logged in');
    });
  });

  describe('GET /users/me', () => {
    for (const role of ['viewer', 'operator'] as const) {
      it(`returns the logged-in ${role}`, async () => {
        const token = await api.userToken(`me-${role}`, role);
        const response = await checked(api.http.get('/users/me').set(bearer(token)));
        assert.equal(response.status, 200);
        assertUserView(response.body, { login: `me-${role}`, role, is_active: true });
        assert.equal(typeof (response.body as UserBody).last_login_at, 'string');
      });
    }
  });

  describe('POST /users', () => {
    it('returns 201 with the new user view', async () => {
      const response = await checked(
        api.http
          .post('/users')
          .set(admin)
          .send({ login: 'new.user@example', password: 'long enough', role: 'operator' }),
      );
      assert.equal(response.status, 201, response.text);
      assertUserView(response.body, {
        login: 'new.user@example',
        role: 'operator',
        is_active: true,
        last_login_at: null,
      });
      assert.equal((await api.login('new.user@example', 'long enough')).length > 0, true);
    });

    it('defaults the role to viewer and accepts is_active=false', async () => {
      const response = await checked(
        api.http
          .post('/users')
          .set(admin)
          .send({ login: 'inactive-one', password: 'long enough', is_active: false }),
      );
      assert.equal(response.status, 201, response.text);
      assertUserView(response.body, { login: 'inactive-one', role: 'viewer', is_active: false });
    });

    it('accepts a 64-character login', async () => {
      const login = 'l'.repeat(64);
      const response = await checked(
        api.http.post('/users').set(admin).send({ login, password: 'long enough' }),
      );
      assert.equal(response.status, 201, response.text);
    });

    it('answers 409 naming the login when it is taken', async () => {
      await api.createUser('taken', 'viewer');
      const response = await checked(
        api.http.post('/users').set(admin).send({ login: 'taken', password: 'long enough' }),
      );
      assert.equal(response.status, 409);
      const detail = (response.body as { detail: unknown }).detail;
      assert.equal(typeof detail, 'string');
      assert.match(detail as string, /taken/);
    });

    it('answers 422 on login for spaces, 65 characters or an empty login', async () => {
      for (const login of ['with space', 'l'.repeat(65), '', 'semi;colon']) {
        const response = await checked(
          api.http.post('/users').set(admin).send({ login, password: 'long enough' }),
        );
        assert.deepEqual(issueLocations(response), ['body.login'], JSON.stringify(login));
      }
    });

    it('answers 422 on password for fewer than 8 characters or more than 72 bytes', async () => {
      for (const password of ['short', '1234567', 'é'.repeat(37)]) {
        const response = await checked(
          api.http.post('/users').set(admin).send({ login: 'pw-check', password }),
        );
        assert.deepEqual(issueLocations(response), ['body.password'], password);
      }
      assert.equal(await findUser('pw-check'), undefined);
    });

    it('answers 422 for an unknown role', async () => {
      const response = await checked(
        api.http.post('/users').set(admin).send({
          login: 'would-be-root',
          password: 'long enough',
          role: 'root',
        }),
      );
      assert.deepEqual(issueLocations(response), ['body.role']);
      assert.equal(await findUser('would-be-root'), undefined);
    });

    it('answers 422 naming the field for null or a wrong type in any field, and creates nothing', async () => {
      const valid = {
        login: 'strict-new',
        password: 'long enough',
        role: 'viewer',
        is_active: true,
      };
      const wrong: Record<string, unknown[]> = {
        login: [null, 5, true, ['strict-new'], { $ne: '' }],
        password: [null, 12345678, true, ['long enough']],
        role: [null, 1, true, ['admin'], { role: 'admin' }],
        is_active: [null, 'true', 'false', 1, 0, [true], {}],
      };
      for (const [field, values] of Object.entries(wrong)) {
        for (const value of values) {
          const response = await checked(
            api.http
              .post('/users')
              .set(admin)
              .send({ ...valid, [field]: value }),
          );
          const what = `${field}: ${JSON.stringify(value)}`;
          assert.deepEqual(issueLocations(response, { typed: true }), [`body.${field}`], what);
        }
      }
      assert.equal(await findUser('strict-new'), undefined);
    });

    it('answers 409 for a login that differs from an existing one only in case', async () => {
      await api.createUser('case-taken', 'viewer');
      for (const login of ['Case-Taken', 'CASE-TAKEN']) {
        const response = await checked(
          api.http.post('/users').set(admin).send({ login, password: 'long enough' }),
        );
        assert.equal(response.status, 409, `${login}: ${response.text}`);
        assert.match((response.body as { detail: string }).detail, /already exists/);
      }
      const list = await checked(api.http.get('/users').set(admin));
      const logins = (list.body as UserBody[]).map((user) => user.login.toLowerCase());
      assert.equal(logins.filter((login) => login === 'case-taken').length, 1);
    });

    it('keeps the case of a login as it was created, and logs in by any case', async () => {
      const password = await api.createUser('Mixed.Case', 'viewer');
      assert.equal((await findUser('Mixed.Case'))?.login, 'Mixed.Case');
      for (const login of ['Mixed.Case', 'mixed.case', 'MIXED.CASE']) {
        const token = await api.login(login, password);
        const me = await checked(api.http.get('/users/me').set(bearer(token)));
        assert.equal((me.body as UserBody).login, 'Mixed.Case', login);
      }
    });

    it('drops unknown fields instead of refusing them', async () => {
      const response = await checked(
        api.http.post('/users').set(admin).send({
          login: 'extra-fields',
          password: 'long enough',
          role: 'viewer',
          is_admin: true,
        }),
      );
      assert.equal(response.status, 201, response.text);
      assertUserView(response.body, { login: 'extra-fields', role: 'viewer' });
      assert.equal('is_admin' in (response.body as object), false);
    });

    it('does not let __proto__ in the body change the role', async () => {
      const response = await checked(
        api.http
          .post('/users')
          .set(admin)
          .type('json')
          .send('{"__proto__":{"role":"admin"},"login":"proto-user","password":"long enough"}'),
      );
      assert.equal(response.status, 201, response.text);
      assert.equal((response.body as UserBody).role, 'viewer');
      assert.equal((await findUser('proto-user'))?.role, 'viewer');
    });
  });

  describe('PUT /users/{login}', () => {
    it('keeps the password when it is sent empty and changes the other fields', async () => {
      const password = await api.createUser('keeps-password', 'viewer');
      const response = await checked(
        api.http.put('/users/keeps-password').set(admin).send({ password: '', role: 'operator' }),
      );
      assert.equal(response.status, 200, response.text);
      assertUserView(response.body, { login: 'keeps-password', role: 'operator' });
      const token = await api.login('keeps-password', password);
      const me = await checked(api.http.get('/users/me').set(bearer(token)));
      assert.equal((me.body as UserBody).role, 'operator');
    });

    it('accepts the fields of a GET sent back (seed clients send whole objects)', async () => {
      await api.createUser('round-trip', 'viewer');
      const before = await findUser('round-trip');
      assert.ok(before);
      const response = await checked(
        api.http
          .put('/users/round-trip')
          .set(admin)
          .send({ ...before, role: 'operator' }),
      );
      assert.equal(response.status, 200, response.text);
      assertUserView(response.body, { login: 'round-trip', role: 'operator', is_active: true });
    });

    it('answers 422 for a short password and changes nothing', async () => {
      const response = await checked(
        api.http.put('/users/round-trip').set(admin).send({ password: 'short', role: 'viewer' }),
      );
      assert.deepEqual(issueLocations(response), ['body.password']);
      assert.equal((await findUser('round-trip'))?.role, 'operator');
    });

    it('answers 422 naming the field for null or a wrong type, and changes nothing', async () => {
      const password = await api.createUser('strict-put', 'operator');
      const token = await api.login('strict-put', password);
      const wrong: Record<string, unknown[]> = {
        password: [null, 12345678, true, ['long enough']],
        role: [null, 2, false, ['viewer'], {}],
        is_active: [null, 'false', 'true', 0, 1, [false], {}],
      };
      for (const [field, values] of Object.entries(wrong)) {
        for (const value of values) {
          const response = await checked(
            api.http
              .put('/users/strict-put')
              .set(admin)
              .send({ [field]: value }),
          );
          const what = `${field}: ${JSON.stringify(value)}`;
          assert.deepEqual(issueLocations(response, { typed: true }), [`body.${field}`], what);
        }
      }
      const after = await findUser('strict-put');
      assert.deepEqual([after?.role, after?.is_active], ['operator', true]);
      const me = await checked(api.http.get('/users/me').set(bearer(token)));
      assert.equal(me.status, 200, 'the token was not revoked');
      await api.login('strict-put', password);
    });

    it('changes the user whatever the case of the login in the path', async () => {
      await api.createUser('path-case', 'viewer');
      const response = await checked(
        api.http.put('/users/PATH-Case').set(admin).send({ role: 'operator' }),
      );
      assert.equal(response.status, 200, response.text);
      assertUserView(response.body, { login: 'path-case', role: 'operator' });
    });

    it('answers 404 for an unknown login', async () => {
      const response = await checked(
        api.http.put('/users/no-such-user').set(admin).send({ role: 'viewer' }),
      );
      assert.equal(response.status, 404);
      assert.equal(typeof (response.body as { detail: unknown }).detail, 'string');
    });
  });

  describe('DELETE /users/{login}', () => {
    it('deletes the user and answers {"message": "User <login> deleted"}', async () => {
      const password = await api.createUser('to-delete', 'viewer');
      const token = await api.login('to-delete', password);
      const response = await checked(api.http.delete('/users/to-delete').set(admin));
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body, { message: 'User to-delete deleted' });
      assert.equal(await findUser('to-delete'), undefined);
      assert.equal((await checked(api.http.get('/users/me').set(bearer(token)))).status, 401);
    });

    it('never revives the tokens of a deleted login when it is created again', async () => {
      const password = await api.createUser('phoenix', 'admin');
      const oldToken = await api.login('phoenix', password);
      assert.equal((await checked(api.http.get('/users').set(bearer(oldToken)))).status, 200);
      const deleted = await checked(api.http.delete('/users/phoenix').set(admin));
      assert.equal(deleted.status, 200, deleted.text);
      // Same login, same role, even the same password: still another account.
      for (const login of ['phoenix', 'Phoenix']) {
        await api.createUser(login, 'admin', password);
        for (const path of ['/users/me', '/users']) {
          const stale = await checked(api.http.get(path).set(bearer(oldToken)));
          assert.equal(stale.status, 401, `${login} ${path}: ${stale.text}`);
        }
        const fresh = await api.login(login, password);
        assert.equal((await checked(api.http.get('/users').set(bearer(fresh)))).status, 200);
        assert.equal((await checked(api.http.delete(`/users/${login}`).set(admin))).status, 200);
      }
    });

    it('deletes the user whatever the case of the login in the path, naming it as stored', async () => {
      await api.createUser('Del-Case', 'viewer');
      const response = await checked(api.http.delete('/users/del-CASE').set(admin));
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body, { message: 'User Del-Case deleted' });
      assert.equal(await findUser('Del-Case'), undefined);
    });

    it('answers 404 for an unknown login', async () => {
      const response = await checked(api.http.delete('/users/no-such-user').set(admin));
      assert.equal(response.status, 404);
      assert.equal(typeof (response.body as { detail: unknown }).detail, 'string');
    });
  });

  describe('the last active admin', () => {
    async function assertAdminUnchanged(): Promise<void> {
      const view = await findUser('admin');
      assert.equal(view?.role, 'admin');
      assert.equal(view?.is_active, true);
      const me = await checked(api.http.get('/users/me').set(admin));
      assert.equal(me.status, 200, 'the admin token still works');
    }

    it('cannot be demoted, disabled or deleted (409, nothing changes)', async () => {
      const attempts = [
        api.http.put('/users/admin').set(admin).send({ role: 'operator' }),
        api.http.put('/users/admin').set(admin).send({ is_active: false }),
        api.http.delete('/users/admin').set(admin),
      ];
      for (const pending of attempts) {
        const response = await checked(pending);
        assert.equal(response.status, 409, response.text);
        assert.equal(typeof (response.body as { detail: unknown }).detail, 'string');
        await assertAdminUnchanged();
      }
      await api.login('admin', TEST_ADMIN_PASSWORD);
    });

    it('cannot be disabled or demoted by null, a string or a number (422, nothing changes)', async () => {
      for (const body of [
        { is_active: null },
        { is_active: 'false' },
        { is_active: 0 },
        { role: null },
        { role: 'Viewer' },
        { role: 0 },
      ]) {
        const response = await checked(api.http.put('/users/admin').set(admin).send(body));
        assert.equal(response.status, 422, `${JSON.stringify(body)}: ${response.text}`);
        await assertAdminUnchanged();
      }
    });

    it('can be demoted, disabled and deleted while another admin is active', async () => {
      await api.createUser('second-admin', 'admin');
      const demoted = await checked(
        api.http.put('/users/second-admin').set(admin).send({ role: 'operator' }),
      );
      assert.equal(demoted.status, 200, demoted.text);
      assert.equal((demoted.body as UserBody).role, 'operator');

      const promoted = await checked(
        api.http.put('/users/second-admin').set(admin).send({ role: 'admin' }),
      );
      assert.equal(promoted.status, 200, promoted.text);
      const disabled = await checked(
        api.http.put('/users/second-admin').set(admin).send({ is_active: false }),
      );
      assert.equal(disabled.status, 200, disabled.text);
      assert.equal((disabled.body as UserBody).is_active, false);

      // An inactive admin does not count: `admin` is again the only active one.
      const refused = await checked(
        api.http.put('/users/admin').set(admin).send({ role: 'viewer' }),
      );
      assert.equal(refused.status, 409, refused.text);
      await assertAdminUnchanged();

      const enabled = await checked(
        api.http.put('/users/second-admin').set(admin).send({ is_active: true }),
      );
      assert.equal(enabled.status, 200, enabled.text);
      const deleted = await checked(api.http.delete('/users/second-admin').set(admin));
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal(await findUser('second-admin'), undefined);
    });

    it('lets the first admin step down once a second admin is active', async () => {
      const password = await api.createUser('successor', 'admin');
      const successor = bearer(await api.login('successor', password));
      const demoted = await checked(
        api.http.put('/users/admin').set(successor).send({ role: 'operator' }),
      );
      assert.equal(demoted.status, 200, demoted.text);
      const list = await checked(api.http.get('/users').set(admin));
      assert.equal(list.status, 403, 'admin is now operator');
      const refused = await checked(api.http.delete('/users/successor').set(successor));
      assert.equal(refused.status, 409, 'the successor is now the last active admin');
    });
  });
});
