/**
 * The checks task in the collector process (apps/collector), next to two API replicas that do
 * not collect, on one PostgreSQL store: both replicas answer from the evaluation the collector
 * stored, and the collector's status shows the task.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ChecksModule } from '#checks';
import type { CollectorStatusView } from '#collector';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import { readChecks } from './check-runs.js';

const COLLECTOR_MAIN = fileURLToPath(new URL('../../apps/collector/src/main.js', import.meta.url));

describe(ChecksModule.name, () => {
  describe('the collector process and two API replicas on one store', () => {
    const apis: TestApi[] = [];
    let store: TestDatabase;
    let child: ChildProcess | undefined;
    let workDir: string;
    let output = '';
    const name = uniqueName('checks-proc');

    before(async () => {
      store = await createDatabase(readTargets().pg.main, 'checks_proc_store');
      const first = await startTestApi({ COLLECTOR_ENABLED: 'false', DATABASE_URL: store.url });
      apis.push(first);
      const { SECRET_KEY, ENCRYPTION_KEY } = first.env;
      apis.push(
        await startTestApi({
          COLLECTOR_ENABLED: 'false',
          DATABASE_URL: store.url,
          SECRET_KEY,
          ENCRYPTION_KEY,
        }),
      );
      const created = await first.http
        .post('/servers')
        .set(bearer(await first.adminToken()))
        .send(monitorBody(name));
      assert.equal(created.status, 201, created.text);
      workDir = mkdtempSync(join(tmpdir(), 'pgmon-checks-proc-'));
      child = spawn(process.execPath, ['--enable-source-maps', COLLECTOR_MAIN], {
        cwd: workDir,
        env: {
          PATH: process.env.PATH ?? '',
          DATA_DIR: join(workDir, 'data'),
          DATABASE_URL: store.url,
          SECRET_KEY: SECRET_KEY ?? '',
          ENCRYPTION_KEY: ENCRYPTION_KEY ?? '',
          CHECKS_INTERVAL: '2',
          COLLECT_INTERVAL: '3600',
          LOG_LEVEL: 'WARNING',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });

    after(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      for (const api of apis) await api.close();
      await store?.drop();
      rmSync(workDir, { recursive: true, force: true });
    });

    it('returns, on every replica, the evaluation the collector process stored, renewed every CHECKS_INTERVAL', async () => {
      const [first, second] = apis;
      assert.ok(first && second);
      const evaluated = await eventually(
        () => readChecks(first, name),
        (answer) => answer.checked_at !== null,
        20_000,
        `an evaluation by the collector process (its output: ${output})`,
      );
      assert.equal(evaluated.checks.length, 18);
      assert.equal(evaluated.checks.find((check) => check.id === 'server_reachable')?.status, 'ok');
      const fromSecond = await readChecks(second, name);
      assert.ok(fromSecond.checked_at !== null);
      const renewed = await eventually(
        () => readChecks(second, name),
        (answer) => Date.parse(answer.checked_at ?? '') > Date.parse(evaluated.checked_at ?? ''),
        10_000,
        'a later evaluation',
      );
      assert.equal(renewed.checks.length, 18);
    });

    it('returns the checks task in the collector’s status', async () => {
      const [first] = apis;
      assert.ok(first);
      const response = await first.http
        .get('/api/collector/status')
        .set(bearer(await first.adminToken()));
      assert.equal(response.status, 200, response.text);
      const status = response.body as CollectorStatusView;
      const server = status.servers.find((entry) => entry.server === name);
      const task = server?.tasks.find((entry) => entry.task === 'checks');
      assert.ok(task, JSON.stringify(server));
      assert.ok(task.last_success_at !== null && task.last_error === null, JSON.stringify(task));
    });
  });
});
