/**
 * apps/collector as its own process (`node dist/apps/collector/src/main.js`), next to an API
 * that does not collect, on one store (the API's SQLite DATA_DIR, or a PostgreSQL
 * DATABASE_URL): it samples on its schedule, the API shows its work, and SIGTERM ends it with 0.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { BACKENDS } from '../store/store-harness.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import { HistoryClient, rounds, targets } from './helpers.js';

const COLLECTOR_MAIN = fileURLToPath(new URL('../../apps/collector/src/main.js', import.meta.url));

describe('Collector process', () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let api: TestApi;
      let database: TestDatabase | undefined;
      let client: HistoryClient;
      let child: ChildProcess | undefined;
      let workDir: string;
      let output = '';
      const server = uniqueName('hist-proc');

      before(async () => {
        database =
          backend === 'PostgreSQL'
            ? await createDatabase(targets.pg.main, 'hist_proc_store')
            : undefined;
        api = await startTestApi({ COLLECTOR_ENABLED: 'false', DATABASE_URL: database?.url });
        client = new HistoryClient(api, await api.adminToken());
        await client.createServer(monitorBody(server, targets.pg.main));
        workDir = mkdtempSync(join(tmpdir(), 'pgmon-collector-proc-'));
      });

      after(async () => {
        if (child && child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await once(child, 'exit');
        }
        await api?.close();
        await database?.drop();
        rmSync(workDir, { recursive: true, force: true });
      });

      it('returns samples taken by the separate process within 10 s, and exits 0 on SIGTERM', async () => {
        const { SECRET_KEY, ENCRYPTION_KEY } = api.env;
        assert.ok(SECRET_KEY && ENCRYPTION_KEY);
        const started = Date.now();
        child = spawn(process.execPath, ['--enable-source-maps', COLLECTOR_MAIN], {
          // An empty working directory: no .env of the repository is read.
          cwd: workDir,
          env: {
            PATH: process.env.PATH ?? '',
            // The API's own store: its SQLite file, or the same PostgreSQL database.
            DATA_DIR: backend === 'SQLite' ? api.dataDir : join(workDir, 'data'),
            ...(database && { DATABASE_URL: database.url }),
            SECRET_KEY,
            ENCRYPTION_KEY,
            COLLECT_INTERVAL: '5',
            // Meant for the API: the collector process collects regardless.
            COLLECTOR_ENABLED: 'false',
            LOG_LEVEL: 'INFO',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
        child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const pid = child.pid;
        assert.ok(pid);

        const serverId = await client.serverId(server);
        const running = child;
        const progress = await eventually(
          async () => ({ rounds: (await rounds(api, serverId)).length, exit: running.exitCode }),
          (seen) => seen.rounds >= 1 || seen.exit !== null,
          10_000,
          'a sample by the collector process',
          250,
        ).catch((error: Error) =>
          assert.fail(`${error.message}\n--- collector output:\n${output.slice(-3000)}`),
        );
        assert.equal(
          progress.exit,
          null,
          `the collector process ended by itself after ${Date.now() - started} ms, before any sample`,
        );
        const status = await client.collectorStatus();
        assert.equal(status.collector_in_this_process, false, 'the API itself does not collect');
        const entry = status.servers.find((candidate) => candidate.server === server);
        assert.ok(entry?.claimed_by?.includes(`:${pid}:`), `claimed by ${entry?.claimed_by}`);
        assert.equal(entry?.last_error, null, JSON.stringify(entry));
        assert.ok(Date.now() - started < 12_000);
        const view = await client.serverStats(server);
        assert.ok(view.databases.some((item) => item.name === 'postgres'));
        assert.match(output, /pgmon collector \S+ started/);
        assert.match(output, /Collecting every 5 s/);

        child.kill('SIGTERM');
        const timeout = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no exit within 10 s of SIGTERM')), 10_000).unref(),
        );
        const [code, signal] = await Promise.race([exited, timeout]);
        assert.equal(signal, null, `ended by ${signal}`);
        assert.equal(code, 0, output.slice(-2000));
        assert.doesNotMatch(output, /ERROR|failed/, output.slice(-2000));
      });
    });
  }
});
