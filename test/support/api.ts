import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApi } from '../../apps/api/src/create-api.js';

export const TEST_ADMIN_PASSWORD = 'admin-password-123';

export type TestRole = 'viewer' | 'operator' | 'admin';

/** The Authorization header of a bearer token, for supertest's `.set()`. */
export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

export interface TestApi {
  app: NestExpressApplication;
  /** supertest bound to the app's HTTP server. */
  http: ReturnType<typeof request>;
  dataDir: string;
  env: Record<string, string>;
  /** POST /token; returns the access token or throws with the response. */
  login(username: string, password: string): Promise<string>;
  /** A token of the bootstrap `admin`. */
  adminToken(): Promise<string>;
  /** Creates a user through the admin API (random password unless given); returns its password. */
  createUser(login: string, role: TestRole, password?: string): Promise<string>;
  /** Creates a user through the admin API and returns a token for it. */
  userToken(login: string, role: TestRole): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real API (the same `createApi` as production) on an ephemeral store. `env`
 * overrides the defaults (a temp DATA_DIR, fresh keys, ADMIN_PASSWORD, LOG_LEVEL=ERROR); a
 * value of `undefined` removes the variable. process.env is restored afterwards.
 */
export async function startTestApi(env: Record<string, string | undefined> = {}): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pgmon-api-'));
  const settings: Record<string, string | undefined> = {
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: 'ERROR',
    DATABASE_URL: undefined,
    ...env,
  };
  const app = await withEnv(settings, () => createApi({ envFile: false }));
  await app.init();
  const http = request(app.getHttpServer());
  const login = async (username: string, password: string): Promise<string> => {
    const response = await http.post('/token').type('form').send({ username, password });
    if (response.status !== 200) {
      throw new Error(
        `login ${username} failed: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return (response.body as { access_token: string }).access_token;
  };
  let admin: string | undefined;
  const adminToken = async (): Promise<string> =>
    (admin ??= await login('admin', TEST_ADMIN_PASSWORD));
  const createUser = async (
    userLogin: string,
    role: TestRole,
    password = `pw-${userLogin}-${randomBytes(4).toString('hex')}`,
  ): Promise<string> => {
    const created = await http
      .post('/users')
      .set(bearer(await adminToken()))
      .send({ login: userLogin, password, role });
    if (created.status !== 201)
      throw new Error(`creating ${userLogin}: ${created.status} ${JSON.stringify(created.body)}`);
    return password;
  };
  return {
    app,
    http,
    dataDir,
    env: Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
    login,
    adminToken,
    createUser,
    async userToken(userLogin, role) {
      return login(userLogin, await createUser(userLogin, role));
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` with process.env changed as `settings` says, then restores it. */
export async function withEnv<T>(
  settings: Record<string, string | undefined>,
  work: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await work();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
