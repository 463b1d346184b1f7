/** Running the checks of a server now and reading what GET /server/{name}/checks answers. */
import assert from 'node:assert/strict';
import { TaskScheduler } from '#collector';
import { StoreService } from '#store';
import { bearer, type TestApi } from '../support/api.js';

export interface CheckView {
  id: string;
  status: 'ok' | 'warning' | 'critical' | 'unknown';
  value: number | null;
  threshold: { warning: number | null; critical: number | null };
  message: string;
  hint: string;
  objects: Record<string, string | number | boolean | null>[];
}

export interface ServerChecks {
  server: string;
  checked_at: string | null;
  checks: CheckView[];
}

/** POST /servers with `body` as admin; returns the server's id in the store. */
export async function addServer(api: TestApi, body: Record<string, unknown>): Promise<number> {
  const response = await api.http
    .post('/servers')
    .set(bearer(await api.adminToken()))
    .send(body);
  assert.equal(response.status, 201, response.text);
  const row = await api.app
    .get(StoreService)
    .db.selectFrom('servers')
    .select('id')
    .where('name', '=', String(body.name))
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** GET /server/{name}/checks as the admin. */
export async function readChecks(api: TestApi, name: string): Promise<ServerChecks> {
  const response = await api.http.get(`/server/${name}/checks`).set(bearer(await api.adminToken()));
  assert.equal(response.status, 200, response.text);
  return response.body as ServerChecks;
}

/** Runs the collector's checks task on the server now, then reads its checks by id. */
export async function runChecks(
  api: TestApi,
  serverId: number,
  name: string,
): Promise<Record<string, CheckView>> {
  await api.app.get(TaskScheduler).runNow('checks', serverId);
  const answer = await readChecks(api, name);
  return Object.fromEntries(answer.checks.map((check) => [check.id, check]));
}

/** Asserts the check's status, showing the whole check when it differs. */
export function assertStatus(
  check: CheckView | undefined,
  ...statuses: CheckView['status'][]
): CheckView {
  assert.ok(check, 'the check is in the answer');
  assert.ok(statuses.includes(check.status), `${check.id}: ${JSON.stringify(check)}`);
  return check;
}
