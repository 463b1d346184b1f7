/**
 * `pgmon user ...` (the real CLI process) on the store of a running API: the command line keeps
 * the API's rules, the last active admin and token revocation included.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NodeProcess } from '../support/processes.js';
import { tempDir } from '../support/processes.js';
import { assertExit, getJson, login, runCli, secret, spawnApi } from './helpers.js';

const ADMIN_PASSWORD = 'cli admin password';

describe('pgmon user (command line)', { concurrency: false }, () => {
  const cwd = tempDir('pgmon-user-cli-');
  const env = {
    DATA_DIR: join(cwd, 'data'),
    SECRET_KEY: secret(32),
    ENCRYPTION_KEY: secret(32),
    ADMIN_PASSWORD,
  };
  let api: NodeProcess;
  let url = '';
  let adminToken = '';

  const cli = (...args: string[]) => runCli(['user', ...args], env, cwd);
  const status = async (token: string) => (await getJson(url, '/users/me', token)).status;

  /** Creates a user through the API (the CLI reads passwords from a terminal or stdin). */
  async function createUser(userLogin: string, role: string, password: string): Promise<void> {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ login: userLogin, password, role }),
    });
    assert.equal(response.status, 201, await response.text());
  }

  async function roleOf(
    userLogin: string,
    token = adminToken,
  ): Promise<[string, boolean] | undefined> {
    const { status: code, body } = await getJson<
      { login: string; role: string; is_active: boolean }[]
    >(url, '/users', token);
    assert.equal(code, 200, JSON.stringify(body));
    const user = body.find((entry) => entry.login === userLogin);
    return user && [user.role, user.is_active];
  }

  before(async () => {
    ({ api, url } = await spawnApi(env, cwd));
    adminToken = await login(url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await api?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses to demote, disable or delete the last active admin (exit 1, nothing changes)', async () => {
    for (const args of [
      ['role', 'admin', 'operator'],
      ['disable', 'admin'],
      ['delete', 'admin'],
      ['disable', 'ADMIN'],
    ]) {
      const result = await cli(...args);
      assertExit(result, 1, args.join(' '));
      assert.match(result.stderr, /last active admin/, args.join(' '));
      assert.deepEqual(await roleOf('admin'), ['admin', true]);
      assert.equal(await status(adminToken), 200, 'the admin token still works');
    }
  });

  it('disables a user and revokes its tokens at once; enabling does not revive them', async () => {
    await createUser('cli-op', 'operator', 'cli operator password');
    const token = await login(url, 'cli-op', 'cli operator password');
    assert.equal(await status(token), 200);

    const disabled = await cli('disable', 'cli-op');
    assertExit(disabled, 0, 'user disable');
    assert.match(disabled.stdout, /cli-op: role operator, disabled/);
    assert.equal(await status(token), 401);
    assert.deepEqual(await roleOf('cli-op'), ['operator', false]);

    assertExit(await cli('enable', 'CLI-OP'), 0, 'user enable');
    assert.equal(await status(token), 401, 'the revoked token stays revoked');
    assert.equal(await status(await login(url, 'cli-op', 'cli operator password')), 200);
  });

  it('changes roles and deletes while another admin is active, by any case of the login', async () => {
    await createUser('cli-admin', 'admin', 'cli second admin password');
    const second = await login(url, 'cli-admin', 'cli second admin password');
    assertExit(await cli('role', 'ADMIN', 'operator'), 0, 'demote admin');
    assert.deepEqual(await roleOf('admin', second), ['operator', true]);
    // cli-admin is now the last active admin.
    const refused = await cli('delete', 'cli-admin');
    assertExit(refused, 1, 'delete the last active admin');
    assertExit(await cli('role', 'admin', 'admin'), 0, 'promote admin again');
    const deleted = await cli('delete', 'CLI-Admin');
    assertExit(deleted, 0, 'delete cli-admin');
    assert.match(deleted.stdout, /User cli-admin deleted/);
    assert.equal(await roleOf('cli-admin'), undefined);
  });

  it('exits 1 for an unknown login and 2 for an unknown role', async () => {
    const unknown = await cli('disable', 'nobody');
    assertExit(unknown, 1, 'disable an unknown login');
    assert.match(unknown.stderr, /User nobody not found/);
    assertExit(await cli('role', 'cli-op', 'root'), 2, 'an unknown role');
  });
});
