/**
 * `docker compose up` for real, as a new user runs it: a clean copy of the repository's tracked
 * files, a `.env` made from `.env.example` with its empty secrets filled, the images built here,
 * then pgmon, its store and both sample targets checked through the published port. The project
 * has a name of its own, pgmon listens on a free loopback port, and everything it made
 * (containers, volumes, images) is removed at the end.
 *
 * Needs the Docker engine, Compose v2 and the base images (shared/tools/docker/setup.sh builds
 * local stand-ins). Without them it is skipped, unless PGMON_REQUIRE_DOCKER=1 (CI): then it
 * fails. Builds use the legacy builder (DOCKER_BUILDKIT=0): this machine reaches no Docker Hub.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { parse } from 'yaml';
import { uniqueName } from '../support/names.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/processes.js';
import { eventually } from '../support/timing.js';
import {
  ROOT,
  assertExit,
  getJson,
  login,
  repoFile,
  run,
  secret,
  SECRET_NAME,
  type CollectorStatus,
  type RunResult,
} from './helpers.js';

const REQUIRED = process.env.PGMON_REQUIRE_DOCKER === '1';
const HEALTHY_WITHIN_MS = 180_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;
const COMMAND_TIMEOUT_MS = 4 * 60_000;
/** PostgreSQL's log lines when the postmaster restarts every backend after a crash. */
const CRASH_RESTART = /terminating any other active server processes|reinitializing/;

interface ComposeService {
  image?: string;
  build?: unknown;
}

interface ContainerState {
  Name: string;
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}

interface StatusEntry {
  name: string;
  status: string;
  uptime_seconds: number | null;
  free_space: number | null;
  total_space: number | null;
}

interface ServerCheck {
  status: string;
  ssh: { configured: boolean; ok: boolean | null; free_space: number | null };
}

interface History {
  last_stat_update: string | null;
  connection_timeline: unknown[];
}

/** The base images the Compose file and both Dockerfiles start from. */
function baseImages(): string[] {
  const compose = parse(repoFile('docker-compose.yml')) as {
    services: Record<string, ComposeService>;
  };
  const services = Object.values(compose.services);
  const builtHere = new Set(services.filter((service) => service.build).map((s) => s.image));
  const pulled = services
    .map((service) => service.image)
    .filter((image): image is string => image !== undefined && !builtHere.has(image));
  const built = ['Dockerfile', 'deploy/target/Dockerfile'].flatMap((file) => {
    const text = repoFile(file);
    const args = Object.fromEntries(
      [...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]]),
    );
    return [...text.matchAll(/^FROM (\S+)/gm)].map((match) =>
      (match[1] ?? '').replace(/\$\{(\w+)\}/g, (_all, name: string) => args[name] ?? ''),
    );
  });
  return [...new Set([...pulled, ...built])].sort();
}

/** Why Docker cannot run this test here, or undefined when it can. */
async function dockerUnavailable(): Promise<string | undefined> {
  const quiet = { cwd: ROOT, env: {}, timeoutMs: 30_000 };
  const ok = async (args: string[]) =>
    (await run('docker', args, quiet).catch(() => undefined))?.code === 0;
  if (!(await ok(['info', '--format', '{{.ServerVersion}}']))) {
    return 'the Docker engine does not answer (`docker info`)';
  }
  if (!(await ok(['compose', 'version']))) return 'Compose v2 (`docker compose`) is missing';
  const missing: string[] = [];
  for (const image of baseImages()) {
    if (!(await ok(['image', 'inspect', image]))) missing.push(image);
  }
  if (missing.length > 0) {
    return `base images missing: ${missing.join(', ')} (shared/tools/docker/setup.sh builds them)`;
  }
  return undefined;
}

/** The files git tracks, as they are in the working tree (uncommitted edits included). */
async function copyTrackedFiles(to: string): Promise<void> {
  const listed = await run('git', ['-C', ROOT, 'ls-files', '-z'], { cwd: ROOT, env: {} });
  assertExit(listed, 0, 'git ls-files');
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(to, file));
  }
}

/**
 * .env.example with its empty secrets filled and `overrides` set, line by line: its comments
 * stay, so Compose reads the file as the user's copy would be.
 */
function envFromExample(
  work: string,
  overrides: Record<string, string>,
): {
  text: string;
  values: Record<string, string>;
} {
  const values: Record<string, string> = {};
  const text = readFileSync(join(work, '.env.example'), 'utf8').replace(
    /^([A-Z_][A-Z0-9_]*)=(.*)$/gm,
    (_line, name: string, value: string) => {
      values[name] =
        overrides[name] ?? (value === '' && SECRET_NAME.test(name) ? secret(32) : value);
      return `${name}=${values[name]}`;
    },
  );
  for (const name of Object.keys(overrides)) assert.ok(name in values, `${name} in .env.example`);
  return { text, values };
}

/** `docker compose ps -a --format json`: a JSON array or one object per line, by version. */
function containerStates(stdout: string): ContainerState[] {
  const text = stdout.trim();
  if (text.startsWith('[')) return JSON.parse(text) as ContainerState[];
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ContainerState);
}

function describeStates(states: ContainerState[]): string {
  return states
    .map((s) => `${s.Service}: ${s.State}${s.Health ? ` (${s.Health})` : ''} exit ${s.ExitCode}`)
    .join('; ');
}

/** The command lines that the first start prints as hints (admin bootstrap). */
function cliHints(): string[] {
  const source = repoFile('libs/auth/src/users/admin-bootstrap.service.ts');
  return [...source.matchAll(/"(npm run pgmon -- [^"]+)"/g)].map((match) => match[1] ?? '');
}

const unavailable = await dockerUnavailable();

describe(
  'docker compose up (a clean copy, .env from .env.example)',
  {
    skip: !REQUIRED && unavailable,
  },
  () => {
    const project = uniqueName('pgmon-compose-test');
    const image = `${project}-pgmon:latest`;
    const buildStage = `${project}-pgmon-build:latest`;
    const work = tempDir('pgmon-compose-');
    const env = {
      DOCKER_BUILDKIT: '0',
      COMPOSE_DOCKER_CLI_BUILD: '0',
      DOCKER_HOST: process.env.DOCKER_HOST,
      DOCKER_CONTEXT: process.env.DOCKER_CONTEXT,
      DOCKER_CONFIG: process.env.DOCKER_CONFIG,
    };
    let values: Record<string, string> = {};
    let url = '';
    let token = '';
    let cleanedUp = false;

    const docker = (args: string[], options: { timeoutMs?: number; input?: string } = {}) =>
      run('docker', args, { cwd: work, env, timeoutMs: COMMAND_TIMEOUT_MS, ...options });
    /** The Compose files in use: the collector override joins them in one test. */
    const files = ['-f', 'docker-compose.yml'];
    const compose = (args: string[], options: { timeoutMs?: number; input?: string } = {}) =>
      docker(['compose', '-p', project, ...files, ...args], options);

    async function states(): Promise<ContainerState[]> {
      const result = await compose(['ps', '-a', '--format', 'json']);
      assertExit(result, 0, 'docker compose ps');
      return containerStates(result.stdout);
    }

    async function logs(...services: string[]): Promise<string> {
      const result = await compose(['logs', '--no-color', ...services]);
      return result.stdout + result.stderr;
    }

    /** When the postmaster last started its processes (a crash restart starts them again). */
    async function postgresProcessesStarted(service: string): Promise<string> {
      const result = await compose([
        'exec',
        '-T',
        service,
        'psql',
        '-U',
        'postgres',
        '-Atc',
        "SELECT backend_start FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
      ]);
      assertExit(result, 0, `psql in ${service}`);
      assert.ok(result.stdout.trim(), `${service}: the checkpointer runs`);
      return result.stdout.trim();
    }

    /** `down -v` (containers, volumes, the target-a image) and pgmon's images. */
    async function cleanUp(): Promise<{ down: RunResult; removed: RunResult }> {
      cleanedUp = true;
      const down = await compose(['down', '-v', '--remove-orphans']);
      // pgmon's images and the one Compose built for target-a (`down --rmi local` keeps it).
      const built = await docker([
        'image',
        'ls',
        '--format',
        '{{.Repository}}:{{.Tag}}',
        '--filter',
        `reference=${project}-*`,
      ]);
      const images = [image, buildStage, ...built.stdout.split('\n').filter(Boolean)];
      return { down, removed: await docker(['image', 'rm', ...new Set(images)]) };
    }

    before(async () => {
      if (unavailable) assert.fail(`PGMON_REQUIRE_DOCKER=1, but ${unavailable}`);
      await copyTrackedFiles(work);
      const port = await freePort();
      const made = envFromExample(work, {
        PGMON_BIND: '127.0.0.1',
        PGMON_PORT: String(port),
        PGMON_IMAGE: image,
        COLLECT_INTERVAL: '5',
      });
      values = made.values;
      writeFileSync(join(work, '.env'), made.text, { mode: 0o600 });
      url = `http://127.0.0.1:${port}`;
    });

    after(async () => {
      if (!cleanedUp && !unavailable) await cleanUp();
      rmSync(work, { recursive: true, force: true });
    });

    it('reads .env as written: no comment text in any value', async () => {
      const result = await compose(['config', '--format', 'json']);
      assertExit(result, 0, 'docker compose config');
      const config = JSON.parse(result.stdout) as {
        services: Record<string, { environment?: Record<string, string | null> }>;
      };
      const pgmon = config.services.pgmon?.environment ?? {};
      assert.equal(pgmon.ADMIN_PASSWORD, values.ADMIN_PASSWORD);
      assert.equal(pgmon.LOG_LEVEL, values.LOG_LEVEL);
      for (const [service, { environment }] of Object.entries(config.services)) {
        for (const [name, value] of Object.entries(environment ?? {})) {
          assert.ok(!String(value).includes('#'), `${service} ${name}=${String(value)}`);
        }
      }
    });

    it('builds the images with the legacy builder', async (t: TestContext) => {
      const started = Date.now();
      const result = await compose(['build'], { timeoutMs: BUILD_TIMEOUT_MS });
      assertExit(result, 0, 'docker compose build');
      assert.doesNotMatch(result.stdout + result.stderr, /npm warn Unknown/);
      // The build stage's image, named so that clean-up removes it (cached: takes seconds).
      const stage = await docker(['build', '-q', '--target', 'build', '-t', buildStage, '.']);
      assertExit(stage, 0, 'docker build --target build');
      t.diagnostic(`images built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });

    it('is up and healthy within 3 minutes, the targets registered', async (t: TestContext) => {
      const started = Date.now();
      const up = await compose(['up', '-d'], { timeoutMs: HEALTHY_WITHIN_MS });
      assertExit(up, 0, `docker compose up -d\n${await logs()}`);
      const ready = (list: ContainerState[]) =>
        ['store', 'pgmon', 'target-a', 'target-b'].every((service) =>
          list.some((s) => s.Service === service && s.Health === 'healthy'),
        ) && list.some((s) => s.Service === 'register' && s.State === 'exited');
      const list = await eventually(
        states,
        ready,
        Math.max(0, HEALTHY_WITHIN_MS - (Date.now() - started)),
        'store, pgmon and the targets healthy, register done',
        2000,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await logs()}`);
      });
      const register = list.find((s) => s.Service === 'register');
      assert.equal(register?.ExitCode, 0, await logs('register'));
      t.diagnostic(`healthy ${((Date.now() - started) / 1000).toFixed(0)} s after \`up -d\``);
    });

    it('gives one-shot and image volumes no anonymous volume', async () => {
      const ids = await compose(['ps', '-a', '-q']);
      assertExit(ids, 0, 'docker compose ps -q');
      const inspect = await docker(['inspect', ...ids.stdout.split('\n').filter(Boolean)]);
      assertExit(inspect, 0, 'docker inspect');
      const containers = JSON.parse(inspect.stdout) as {
        Name: string;
        Mounts: { Type: string; Name?: string }[];
      }[];
      for (const container of containers) {
        for (const mount of container.Mounts.filter((m) => m.Type === 'volume')) {
          assert.ok(
            mount.Name?.startsWith(`${project}_`),
            `${container.Name}: volume ${mount.Name}`,
          );
        }
      }
    });

    it('logs in as admin with ADMIN_PASSWORD', async () => {
      token = await login(url, 'admin', values.ADMIN_PASSWORD ?? '');
    });

    it('shows both sample targets ok, target-a with its disk read over SSH', async () => {
      const { body } = await eventually(
        () => getJson<StatusEntry[]>(url, '/servers', token),
        ({ status, body }) =>
          status === 200 &&
          body.length === 2 &&
          body.every((entry) => entry.status === 'ok') &&
          body[0]?.free_space !== null,
        60_000,
        'GET /servers',
        1000,
      );
      assert.deepEqual(
        body.map((entry) => entry.name),
        ['target-a', 'target-b'],
      );
      const [a, b] = body;
      assert.ok((a?.free_space ?? 0) > 0 && (a?.total_space ?? 0) >= (a?.free_space ?? 0));
      assert.equal(b?.free_space, null, 'target-b has no SSH');
    });

    it('leaves PostgreSQL on target-a running across SSH reads', async () => {
      const before = await postgresProcessesStarted('target-a');
      const servers = await getJson<StatusEntry[]>(url, '/servers', token);
      const uptimeBefore = servers.body[0]?.uptime_seconds ?? Infinity;
      for (let read = 0; read < 3; read++) {
        const response = await fetch(`${url}/servers/target-a/test`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        const check = (await response.json()) as ServerCheck;
        assert.equal(response.status, 200);
        assert.equal(check.ssh.ok, true, JSON.stringify(check));
        assert.ok((check.ssh.free_space ?? 0) > 0, JSON.stringify(check));
      }
      assert.equal(await postgresProcessesStarted('target-a'), before, 'no crash restart');
      const later = await getJson<StatusEntry[]>(url, '/servers', token);
      assert.ok((later.body[0]?.uptime_seconds ?? -1) >= uptimeBefore, 'uptime not reset');
      assert.doesNotMatch(await logs('target-a', 'target-b', 'store'), CRASH_RESTART);
    });

    it('answers history after one collector cycle', async () => {
      const { body } = await eventually(
        () => getJson<History>(url, '/server/target-a/stats', token),
        ({ status, body }) => status === 200 && body.connection_timeline.length > 0,
        60_000,
        'GET /server/target-a/stats',
        1000,
      );
      assert.ok(body.last_stat_update, JSON.stringify(body));
    });

    it('reads pg_stat_statements on both sample targets (query insight works out of the box)', async () => {
      for (const target of ['target-a', 'target-b']) {
        const { body } = await eventually(
          () => getJson<{ available: boolean }>(url, `/server/${target}/queries`, token),
          ({ status, body }) => status === 200 && body.available,
          90_000,
          `GET /server/${target}/queries`,
          1000,
        );
        assert.equal(body.available, true, JSON.stringify(body));
      }
    });

    it('runs the collector as its own service with docker-compose.collector.yml', async () => {
      files.push('-f', 'docker-compose.collector.yml');
      const up = await compose(['up', '-d'], { timeoutMs: HEALTHY_WITHIN_MS });
      assertExit(up, 0, `docker compose up -d with the collector override\n${await logs()}`);
      const list = await eventually(
        states,
        (list) =>
          list.some((s) => s.Service === 'pgmon' && s.Health === 'healthy') &&
          list.some((s) => s.Service === 'collector' && s.State === 'running'),
        HEALTHY_WITHIN_MS,
        'pgmon healthy, the collector running',
        2000,
      );
      const collector = list.find((s) => s.Service === 'collector');
      assert.equal(collector?.Health, '', 'the collector has no healthcheck (none to fail)');
      token = await login(url, 'admin', values.ADMIN_PASSWORD ?? '');
      const { body } = await getJson<CollectorStatus>(url, '/api/collector/status', token);
      assert.equal(body.collector_in_this_process, false, 'the API collects no more');
      const since = Date.now();
      await eventually(
        () => getJson<CollectorStatus>(url, '/api/collector/status', token),
        ({ body }) =>
          body.servers.length === 2 &&
          body.servers.every((s) => s.last_success_at && Date.parse(s.last_success_at) > since),
        60_000,
        'a collector cycle of the collector service',
        1000,
      );
    });

    it('runs the CLI commands the first start prints, with docker compose exec', async () => {
      const hints = cliHints();
      assert.ok(
        hints.some((hint) => hint.includes('user passwd admin')),
        hints.join('; '),
      );
      for (const hint of hints) {
        const password = secret(16);
        const user = hint.includes('<login>') ? 'hint-admin' : 'admin';
        const command = hint.replace('<login>', user).split(' ');
        const result = await compose(['exec', '-T', 'pgmon', ...command], {
          input: `${password}\n`,
        });
        assertExit(result, 0, `docker compose exec pgmon ${command.join(' ')}`);
        token = await login(url, user, password);
      }
    });

    it('stops every container with exit code 0', async () => {
      assertExit(await compose(['stop']), 0, 'docker compose stop');
      const list = await states();
      assert.ok(list.length >= 5, describeStates(list));
      assert.ok(
        list.every((s) => s.State === 'exited' && s.ExitCode === 0),
        describeStates(list),
      );
    });

    it('`down -v` leaves no container, volume or image of the project', async () => {
      const { down, removed } = await cleanUp();
      assertExit(down, 0, 'docker compose down');
      assertExit(removed, 0, 'docker image rm');
      const label = `label=com.docker.compose.project=${project}`;
      for (const args of [
        ['ps', '-a', '-q', '--filter', label],
        ['volume', 'ls', '-q', '--filter', label],
        ['image', 'ls', '-q', '--filter', `reference=${project}*`],
      ]) {
        const result = await docker(args);
        assertExit(result, 0, `docker ${args.join(' ')}`);
        assert.equal(result.stdout.trim(), '', `docker ${args.join(' ')}`);
      }
    });
  },
);
