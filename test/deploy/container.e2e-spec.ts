/**
 * The image's processes run locally from the image's layout (package.json, node_modules,
 * dist/apps, dist/libs in a WORKDIR of their own): the API as the Dockerfile's CMD starts it,
 * with the Compose environment and a PostgreSQL store; the registration step against that
 * store; the HEALTHCHECK command; the collector as docker-compose.collector.yml runs it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { NodeProcess, tempDir } from '../support/processes.js';
import { readTargets } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import {
  ROOT,
  assertExit,
  composeTargets,
  type CollectorStatus,
  getJson,
  login,
  repoFile,
  run,
  secret,
  spawnApi,
  targetVariables,
} from './helpers.js';

const targets = readTargets();
const { main } = targets.pg;
const sshUser = targets.ssh.passwordUser;

/** The Dockerfile's CMD and HEALTHCHECK command (exec form). */
function dockerfileCommands(): { cmd: string[]; healthcheck: string[] } {
  const text = repoFile('Dockerfile').replace(/\\\n/g, ' ');
  const cmd = /^CMD (\[.*\])$/m.exec(text)?.[1];
  const healthcheck = /^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(text)?.[1];
  assert.ok(cmd && healthcheck, 'the Dockerfile has a CMD and a HEALTHCHECK in exec form');
  return { cmd: JSON.parse(cmd) as string[], healthcheck: JSON.parse(healthcheck) as string[] };
}

describe('the container processes, run locally', { concurrency: false }, () => {
  const root = tempDir('pgmon-container-');
  /** WORKDIR /app of the runtime image. */
  const app = join(root, 'app');
  const adminPassword = secret(12);
  const nameA = uniqueName('ctr-a');
  const nameB = uniqueName('ctr-b');
  const { cmd, healthcheck } = dockerfileCommands();
  let store: TestDatabase;
  let env: Record<string, string>;
  let api: NodeProcess | undefined;
  let collector: NodeProcess | undefined;
  let url = '';
  let port = 0;

  before(async () => {
    // What the runtime stage copies from the build stage.
    mkdirSync(join(app, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    cpSync(join(ROOT, 'dist/apps'), join(app, 'dist/apps'), { recursive: true });
    cpSync(join(ROOT, 'dist/libs'), join(app, 'dist/libs'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
    store = await createDatabase(main, 'deploy_container_store');
    env = {
      NODE_ENV: 'production',
      DATA_DIR: join(root, 'data'),
      DATABASE_URL: store.url,
      SECRET_KEY: secret(32),
      ENCRYPTION_KEY: secret(32),
    };
  });

  after(async () => {
    await Promise.all([api?.stop(), collector?.stop()]);
    await store?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts the API with the Dockerfile CMD and the Compose environment', async () => {
    assert.deepEqual(cmd, ['node', '--enable-source-maps', 'dist/apps/api/src/main.js']);
    const started = await spawnApi(
      // As docker-compose.collector.yml: the collector runs as its own process below.
      { ...env, ADMIN_PASSWORD: adminPassword, COLLECTOR_ENABLED: 'false' },
      app,
      cmd.at(-1),
    );
    ({ api, url, port } = started);
    const health = await fetch(`${url}/api/health`);
    const body = (await health.json()) as {
      status: string;
      checks: { store: { backend: string } };
    };
    assert.equal(health.status, 200, JSON.stringify(body));
    assert.equal(body.checks.store.backend, 'postgres');
  });

  it('registers the targets with the registration step (servers apply, ${VAR} secrets)', async () => {
    const file = join(root, 'targets.json');
    writeFileSync(file, JSON.stringify(composeTargets(nameA, nameB)));
    const result = await run(
      process.execPath,
      ['dist/apps/cli/src/main.js', 'servers', 'apply', '--file', file],
      {
        cwd: app,
        env: { ...env, ...targetVariables() },
      },
    );
    assertExit(result, 0, 'servers apply');
    assert.equal(result.stdout.trim(), `registered server ${nameA}\nregistered server ${nameB}`);
  });

  it('starts the collector as docker-compose.collector.yml runs it', () => {
    // Started now, so that its boot overlaps the next tests; checked below.
    collector = NodeProcess.spawn(
      ['--enable-source-maps', 'dist/apps/collector/src/main.js'],
      { ...env, COLLECT_INTERVAL: '5' },
      app,
    );
    assert.ok(collector.running);
  });

  it('shows the registered servers with status ok to the admin', async () => {
    const token = await login(url, 'admin', adminPassword);
    const { status, body } = await getJson<{ name: string; status: string; free_space: unknown }[]>(
      url,
      '/servers',
      token,
    );
    assert.equal(status, 200);
    assert.deepEqual(
      body.map((entry) => [entry.name, entry.status]),
      [
        [nameA, 'ok'],
        [nameB, 'ok'],
      ],
      JSON.stringify(body),
    );
    if (sshUser) assert.equal(typeof body[0]?.free_space, 'number', 'disk space over SSH');
  });

  it('passes the Dockerfile HEALTHCHECK command, which fails when nothing listens', async () => {
    const [command = '', ...args] = healthcheck;
    assert.equal(command, 'node');
    const healthy = await run(process.execPath, args, { cwd: app, env: { PORT: String(port) } });
    assertExit(healthy, 0, 'HEALTHCHECK against the API');
    const closed = String(targets.closedPort);
    const down = await run(process.execPath, args, { cwd: app, env: { PORT: closed } });
    assert.notEqual(down.code, 0, 'HEALTHCHECK with nothing listening');
  });

  it('collects with the collector process: a sample of each server within ~15 s', async () => {
    assert.ok(collector, 'the collector was started');
    await collector.waitForOutput(/collector .* started/);
    const token = await login(url, 'admin', adminPassword);
    const status = await eventually(
      async () => (await getJson<CollectorStatus>(url, '/api/collector/status', token)).body,
      (view) => view.servers.every((entry) => entry.last_success_at !== null),
      20_000,
      'a last_success_at for every server',
      250,
    );
    assert.equal(status.collector_in_this_process, false, 'the API does not collect itself');
    assert.deepEqual(status.servers.map((entry) => entry.server).sort(), [nameA, nameB]);
    for (const entry of status.servers) {
      const age = Date.now() - Date.parse(entry.last_success_at ?? '');
      assert.ok(age >= 0 && age < 30_000, `${entry.server}: sampled ${age} ms ago`);
    }
  });

  it('stops the collector with exit code 0 on SIGTERM', async () => {
    assert.ok(collector?.running, 'the collector runs');
    collector.signal('SIGTERM');
    const exit = await collector.exitWithin(15_000);
    assert.deepEqual(exit, { code: 0, signal: null }, collector.output);
  });

  it('stops the API with exit code 0 on SIGTERM', async () => {
    assert.ok(api?.running, 'the API runs');
    api.signal('SIGTERM');
    const exit = await api.exitWithin(15_000);
    assert.deepEqual(exit, { code: 0, signal: null }, api.output);
    for (const secretValue of [
      adminPassword,
      env.SECRET_KEY,
      env.ENCRYPTION_KEY,
      main.monitorPassword,
      main.superpassword,
    ]) {
      assert.equal(api.output.includes(secretValue ?? ''), false, 'a secret in the log');
    }
  });
});
