/**
 * The version matrix's containers (used by targets.ts only): PostgreSQL 13 and 17 from the local
 * stand-in images that ../shared/tools/docker/setup.sh builds, next to the host's 15. Each is
 * configured like the host's clusters (pg_stat_statements preloaded and created in `postgres`,
 * track_io_timing, `appdb`, the pg_monitor-only role and the actions role, password auth over
 * TCP) and published on a loopback port Docker picks (no race for a free port). PGDATA is a
 * tmpfs: nothing is written to disk and no volume is left behind.
 *
 * Docker or an image that is not there makes a major missing with the reason (skipped, or a
 * failure with PGMON_REQUIRE_DOCKER=1); a container that does not start is always a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Client } from 'pg';
import { createTestRoles, TEST_ROLES } from './clusters.js';
import { exec, sleep, tail } from './proc.js';
import type { MatrixServer, MissingMajor } from './targets-info.js';

/** The container majors of the matrix and their images (their README: "PostgreSQL versions for tests"). */
export const MATRIX_IMAGES: Readonly<Record<number, string>> = {
  13: 'postgres:13-bullseye',
  17: 'postgres:17-bookworm',
};

const HOST = '127.0.0.1';
const PGDATA = '/var/lib/postgresql/data';
const READY_TIMEOUT_MS = 90_000;
const DOCKER_TIMEOUT_MS = 60_000;
const SETUP_HINT = 'run ../shared/tools/docker/setup.sh (it builds the stand-in images)';

/** `postgres -c` settings (no quotes: they are not parsed as in postgresql.conf). */
const SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
  'track_io_timing=on',
  'max_connections=200',
  'shared_buffers=32MB',
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'timezone=UTC',
  'log_timezone=UTC',
  'lc_messages=C',
];

export interface MatrixContainers {
  servers: MatrixServer[];
  missing: MissingMajor[];
}

type Cleanup = { what: string; run: () => Promise<void> };

/**
 * Starts one container per major of MATRIX_IMAGES, in parallel; never throws. Each container's
 * removal is registered in `cleanups` before it is created.
 */
export async function startMatrixContainers(cleanups: Cleanup[]): Promise<MatrixContainers> {
  const majors = Object.keys(MATRIX_IMAGES).map(Number);
  const docker = await dockerProblem();
  if (docker) {
    return {
      servers: [],
      missing: majors.map((major) => ({ major, reason: docker, failed: false })),
    };
  }
  const run = randomBytes(4).toString('hex');
  const results = await Promise.all(
    majors.map((major) => startContainer(major, `pgmon-test-${run}-${major}`, cleanups)),
  );
  return {
    servers: results.filter((r): r is MatrixServer => 'versionNum' in r),
    missing: results.filter((r): r is MissingMajor => 'reason' in r),
  };
}

/** Why Docker cannot be used, or undefined when its daemon answers. */
async function dockerProblem(): Promise<string | undefined> {
  const answer = await exec('docker', ['version', '--format', '{{.Server.Version}}'], {
    allowFailure: true,
    timeoutMs: 20_000,
  }).catch((error: unknown) => ({ code: -1, stdout: '', stderr: (error as Error).message }));
  if (answer.code === 0) return undefined;
  const why = tail(answer.stderr || answer.stdout, 1) || `exit status ${answer.code}`;
  return `Docker is not available (${why}); ${SETUP_HINT}`;
}

async function startContainer(
  major: number,
  name: string,
  cleanups: Cleanup[],
): Promise<MatrixServer | MissingMajor> {
  const image = MATRIX_IMAGES[major] ?? '';
  const inspect = await exec('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {
    allowFailure: true,
    timeoutMs: DOCKER_TIMEOUT_MS,
  });
  if (inspect.code !== 0) {
    return { major, reason: `the image ${image} is missing; ${SETUP_HINT}`, failed: false };
  }
  const started = performance.now();
  // 13's initdb stores md5 hashes (its password_encryption default), which scram-sha-256 in
  // pg_hba.conf would refuse: 13 runs md5 over TCP, as most 13 fleets do, so the matrix covers
  // both password methods.
  const hostAuth = major >= 14 ? 'scram-sha-256' : 'md5';
  const server: MatrixServer = {
    major,
    versionNum: 0,
    container: name,
    hostAuth,
    startMs: 0,
    host: HOST,
    port: 0,
    superuser: 'postgres',
    superpassword: secret(),
    monitorUser: TEST_ROLES.monitor,
    monitorPassword: secret(),
    actionsUser: TEST_ROLES.actions,
    actionsPassword: secret(),
    dataDir: PGDATA,
  };
  const watchdog = startWatchdog(name);
  cleanups.push({
    what: `container ${name}`,
    run: async () => {
      watchdog.kill('SIGKILL');
      await removeContainer(name);
    },
  });
  try {
    await dockerRun(name, image, server);
    server.port = await publishedPort(name);
    const client = await readyClient(server, name);
    try {
      server.versionNum = await versionNum(client);
      if (Math.floor(server.versionNum / 10_000) !== major) {
        throw new Error(`${image} runs server_version_num ${server.versionNum}, not ${major}`);
      }
      await createTestRoles(client, server);
      await client.query('CREATE EXTENSION pg_stat_statements');
    } finally {
      await client.end();
    }
    server.startMs = Math.round(performance.now() - started);
    return server;
  } catch (error) {
    const logs = await exec('docker', ['logs', '--tail', '20', name], { allowFailure: true });
    return {
      major,
      reason:
        `PostgreSQL ${major} (${image}, container ${name}) did not start: ` +
        `${(error as Error).message}\n--- docker logs (tail)\n${tail(logs.stdout + logs.stderr, 20)}`,
      failed: true,
    };
  }
}

function secret(): string {
  return randomBytes(18).toString('base64url');
}

async function dockerRun(name: string, image: string, server: MatrixServer): Promise<void> {
  const auth = server.hostAuth;
  await exec(
    'docker',
    ['run', '--detach', '--name', name, '--label', 'pgmon-test=matrix']
      .concat(['--tmpfs', PGDATA, '--publish', `${HOST}::5432`])
      .concat(['--env', `POSTGRES_PASSWORD=${server.superpassword}`])
      .concat(['--env', `POSTGRES_INITDB_ARGS=--auth-local=trust --auth-host=${auth}`])
      .concat(['--env', `POSTGRES_HOST_AUTH_METHOD=${auth}`, image])
      .concat(SETTINGS.flatMap((setting) => ['-c', setting])),
    // Its own session: a Ctrl-C in the terminal must not cut `docker run` halfway.
    { timeoutMs: DOCKER_TIMEOUT_MS, detached: true },
  );
}

/** The loopback port Docker chose for the container's 5432. */
async function publishedPort(name: string): Promise<number> {
  const answer = await exec('docker', ['port', name, '5432/tcp'], { timeoutMs: DOCKER_TIMEOUT_MS });
  const port = Number(/:(\d+)\s*$/m.exec(answer.stdout)?.[1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`docker port said: ${answer.stdout}`);
  return port;
}

/**
 * A superuser connection once the real server answers a query over TCP. (The entrypoint's
 * temporary init server listens on the socket only, so the first TCP answer is the real one.)
 */
async function readyClient(server: MatrixServer, name: string): Promise<Client> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const client = new Client({
      host: server.host,
      port: server.port,
      user: server.superuser,
      password: server.superpassword,
      database: 'postgres',
      connectionTimeoutMillis: 5000,
      application_name: 'pgmon-test-admin',
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(`no answer in ${READY_TIMEOUT_MS} ms: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (attempt % 20 === 0 && !(await isRunning(name))) {
        throw new Error(`the container exited: ${(error as Error).message}`, { cause: error });
      }
      await sleep(100);
    }
  }
}

async function isRunning(name: string): Promise<boolean> {
  const answer = await exec('docker', ['inspect', '--format', '{{.State.Running}}', name], {
    allowFailure: true,
  });
  return answer.stdout.trim() === 'true';
}

async function versionNum(client: Client): Promise<number> {
  const result = await client.query<{ v: number }>(
    `select current_setting('server_version_num')::int as v`,
  );
  return result.rows[0]?.v ?? 0;
}

/**
 * Removes the container should this process end without its teardown (a crash, SIGKILL, a
 * closed stdout): a detached shell that waits for its stdin, a pipe from this process, to close.
 */
function startWatchdog(name: string): ChildProcess {
  const child = spawn(
    'sh',
    [
      '-c',
      'read _; exec docker rm --force --volumes "$1" >/dev/null 2>&1',
      'pgmon-test-watchdog',
      name,
    ],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  // Neither the shell nor its pipe may keep this process alive.
  child.unref();
  (child.stdin as Socket | null)?.unref();
  return child;
}

/** Removes the container and its anonymous volumes; one that is already gone is fine. */
async function removeContainer(name: string): Promise<void> {
  const answer = await exec('docker', ['rm', '--force', '--volumes', name], {
    allowFailure: true,
    timeoutMs: DOCKER_TIMEOUT_MS,
  });
  if (answer.code !== 0 && !/no such container/i.test(answer.stderr)) {
    throw new Error(`docker rm ${name}: ${tail(answer.stderr, 3)}`);
  }
}
