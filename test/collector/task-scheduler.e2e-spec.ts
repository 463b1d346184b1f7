/**
 * TaskScheduler with the real store: two collectors on one PostgreSQL store run each slot of
 * each server once; a run longer than the interval skips slots instead of stacking them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TaskScheduler, type ServerTask } from '#collector';
import { StoreService } from '#store';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';

const targets = readTargets();

interface Run {
  serverId: number;
  dueAt: number;
  startedAt: number;
  endedAt: number;
  collector: number;
}

/** A task that records its runs and takes `workMs` each. */
function recordingTask(
  name: string,
  intervalMs: number,
  workMs: number,
  runs: Run[],
  collector: number,
): ServerTask {
  return {
    name,
    intervalMs: () => intervalMs,
    run: async (server, run) => {
      await sleep(workMs);
      runs.push({
        serverId: server.id,
        dueAt: run.dueAt,
        startedAt: run.startedAt,
        endedAt: Date.now(),
        collector,
      });
    },
  };
}

describe(TaskScheduler.name, () => {
  const apis: TestApi[] = [];
  let storeDatabase: TestDatabase;
  const serverIds: number[] = [];

  before(async () => {
    storeDatabase = await createDatabase(targets.pg.main, 'task_sched_store');
    const shared = {
      DATABASE_URL: storeDatabase.url,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      // Long enough that history sampling stays out of the way.
      COLLECT_INTERVAL: '3600',
      COLLECTOR_ENABLED: 'true',
      LOG_LEVEL: 'ERROR',
    };
    for (let n = 0; n < 2; n++) apis.push(await startTestApi(shared));
    const api = apis[0];
    const token = await api.adminToken();
    for (const name of [uniqueName('tasks-a'), uniqueName('tasks-b')]) {
      const created = await api.http
        .post('/servers')
        .set({ Authorization: `Bearer ${token}` })
        .send(monitorBody(name));
      assert.equal(created.status, 201, created.text);
      const row = await api.app
        .get(StoreService)
        .db.selectFrom('servers')
        .select('id')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      serverIds.push(Number(row.id));
    }
  });

  after(async () => {
    for (const api of apis) await api.close();
    await storeDatabase?.drop();
  });

  describe('two collectors on one PostgreSQL store', () => {
    it('runs each slot of each server once', async () => {
      const runs: Run[] = [];
      apis.forEach((api, n) =>
        api.app.get(TaskScheduler).register(recordingTask('probe', 1000, 20, runs, n)),
      );
      await sleep(6500);
      const mine = runs.filter((run) => serverIds.includes(run.serverId));
      const slots = mine.map((run) => `${run.serverId}@${run.dueAt}`);
      assert.equal(new Set(slots).size, slots.length, 'a slot ran twice');
      for (const id of serverIds) {
        const count = mine.filter((run) => run.serverId === id).length;
        assert.ok(count >= 4 && count <= 8, `server ${id}: ${count} runs in 6.5 s at 1 s`);
      }
    });

    it('skips the slots that fall due while a run is still going, and never overlaps runs', async () => {
      const runs: Run[] = [];
      apis.forEach((api, n) =>
        api.app.get(TaskScheduler).register(recordingTask('slow', 1000, 2500, runs, n)),
      );
      await sleep(8000);
      for (const id of serverIds) {
        const own = runs
          .filter((run) => run.serverId === id)
          .sort((a, b) => a.startedAt - b.startedAt);
        assert.ok(
          own.length >= 2 && own.length <= 3,
          `server ${id}: ${own.length} runs of 2.5 s in 8 s`,
        );
        for (let i = 1; i < own.length; i++) {
          assert.ok((own[i]?.startedAt ?? 0) >= (own[i - 1]?.endedAt ?? 0), 'two runs overlapped');
        }
      }
      const store = apis[0]?.app.get(StoreService);
      const rows = await store?.db
        .selectFrom('collector_tasks')
        .select(['server_id', 'skipped_runs', 'last_error_code'])
        .where('task', '=', 'slow')
        .execute();
      for (const id of serverIds) {
        const row = rows?.find((r) => Number(r.server_id) === id);
        assert.ok(Number(row?.skipped_runs) >= 1, `server ${id}: ${JSON.stringify(row)}`);
        assert.equal(row?.last_error_code, null);
      }
    });
  });
});
