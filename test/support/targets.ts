/**
 * Starts and stops the real test targets on loopback (used by test/run.ts only):
 * PostgreSQL 15 clusters (main, stats, volatile, primary + replica), PostgreSQL 13 and 17 in
 * containers for the version matrix (matrix-servers.ts), a closed port, a silent TCP port, an
 * OpenSSH sshd and a redis-server. See targets-info.ts for what tests get.
 *
 * As root, initdb/pg_ctl/postgres run as the `postgres` OS user (initdb refuses root) and
 * sshd has two dedicated OS users (pgmon_sshpw: password, pgmon_sshkey: keys). As a normal
 * user, everything runs as that user and only key authentication is available.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  adminQuery,
  clusterLogFile,
  createTestRoles,
  startCluster,
  stopCluster,
  superuserClient,
  TEST_ROLES,
} from './clusters.js';
import { statsFixtureDayStart, statsFixtureSql } from './fixtures/stats-db.js';
import { startMatrixContainers, type MatrixContainers } from './matrix-servers.js';
import { freePorts } from './ports.js';
import { exec, isRoot, lookupUser, tailFile } from './proc.js';
import { spawnSshd, stopSshd, waitForSshBanner } from './sshd.js';
import type { MatrixServer, PgTarget, SshUser, TestTargets } from './targets-info.js';

export type { TestTargets } from './targets-info.js';

export interface RunningTargets {
  info: TestTargets;
  /** Kills everything that was started and removes workDir. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const PG_OS_USER = 'postgres';
const MONITOR_ROLE = TEST_ROLES.monitor;
const SSH_PASSWORD_USER = 'pgmon_sshpw';
const SSH_KEY_USER = 'pgmon_sshkey';
const CLUSTER_NAMES = ['main', 'stats', 'volatile', 'primary'] as const;
type ClusterName = (typeof CLUSTER_NAMES)[number];
const REPLICA_SLOT = 'pgmon_replica_slot';
const UNUSED_SLOT = 'pgmon_unused_slot';

/**
 * The password of the SSH password user: random once per machine, then reused (kept in a
 * root-only file), so that two harness runs at the same time (tests and the benchmark) do not
 * change it under each other.
 */
async function stablePassword(): Promise<string> {
  const file = '/var/lib/pgmon-test/ssh-password';
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 16) return existing.trim();
  const password = secret();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function secret(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

/** bindir of the PostgreSQL server binaries. */
async function pgBinDir(): Promise<string> {
  const fromEnv = process.env.PGMON_PG_BINDIR;
  if (fromEnv) return fromEnv;
  const res = await exec('pg_config', ['--bindir'], { allowFailure: true }).catch(() => null);
  const dir = res?.code === 0 ? res.stdout.trim() : '';
  if (dir && existsSync(path.join(dir, 'initdb'))) return dir;
  if (existsSync('/usr/lib/postgresql/15/bin/initdb')) return '/usr/lib/postgresql/15/bin';
  throw new Error(
    'PostgreSQL server binaries not found (pg_config --bindir has no initdb); install ' +
      'postgresql-15 or set PGMON_PG_BINDIR',
  );
}

type Cleanup = { what: string; run: () => Promise<void> };

/** Start everything. On failure, whatever was started is torn down before the error is thrown. */
export async function startTargets(workDir: string): Promise<RunningTargets> {
  const cleanups: Cleanup[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= teardown(cleanups, workDir));

  try {
    const root = isRoot();
    if (root) await chmod(workDir, 0o755);
    const binDir = await pgBinDir();
    const [
      mainPort,
      statsPort,
      volatilePort,
      primaryPort,
      replicaPort,
      closedPort,
      sshPort,
      redisPort,
    ] = await freePorts(8);
    const silent = await startSilentServer();
    cleanups.push({ what: 'silent TCP server', run: silent.close });

    const dayStart = statsFixtureDayStart();
    const ports = {
      main: mainPort,
      stats: statsPort,
      volatile: volatilePort,
      primary: primaryPort,
    };
    const pgDir = path.join(workDir, 'pg');
    await mkdir(pgDir, { mode: 0o755 });
    await chmod(pgDir, 0o755);

    // Clusters and sshd start concurrently; allSettled so that nothing is still starting when
    // the teardown runs after a failure.
    const results = await Promise.allSettled([
      ...CLUSTER_NAMES.map((name) =>
        startPgCluster({ name, port: ports[name], binDir, pgDir, dayStart, cleanups }),
      ),
      startSshd({ workDir, port: sshPort, cleanups }),
      startRedis({ workDir, port: redisPort, cleanups }),
      startMatrixContainers(cleanups),
    ]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new Error(failures.map((f) => (f.reason as Error).message).join('\n\n'));
    }
    const [main, stats, volatile, primary] = (
      results.slice(0, 4) as PromiseFulfilledResult<PgTarget>[]
    ).map((r) => r.value);
    const ssh = (results[4] as PromiseFulfilledResult<TestTargets['ssh']>).value;
    const redis = (results[5] as PromiseFulfilledResult<TestTargets['redis']>).value;
    const containers = (results[6] as PromiseFulfilledResult<MatrixContainers>).value;
    const replica = await startReplica({ primary, port: replicaPort, pgDir, cleanups });

    const info: TestTargets = {
      pg: { main, stats, volatile, primary, replica },
      matrix: await versionMatrix(main, containers),
      replication: { slot: REPLICA_SLOT, unusedSlot: UNUSED_SLOT },
      redis,
      closedPort,
      silentPort: silent.port,
      ssh,
      statsFixture: { dayStart: dayStart.toISOString(), days: 3, intervalMinutes: 5 },
      workDir,
    };
    return { info, stop };
  } catch (err) {
    try {
      await stop();
    } catch (stopErr) {
      process.stderr.write(`teardown after a failed start also failed: ${String(stopErr)}\n`);
    }
    throw err;
  }
}

async function teardown(cleanups: Cleanup[], workDir: string): Promise<void> {
  const results = await Promise.allSettled(cleanups.map((c) => c.run()));
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') errors.push(`${cleanups[i].what}: ${String(r.reason)}`);
  });
  try {
    await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    errors.push(`removing ${workDir}: ${(err as Error).message}`);
  }
  if (errors.length > 0) throw new Error(`teardown problems:\n${errors.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// silent port

async function startSilentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    // Never write anything; keep reading so the peer's writes do not block.
    socket.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

interface ClusterSpec {
  name: ClusterName;
  port: number;
  binDir: string;
  pgDir: string;
  dayStart: Date;
  cleanups: Cleanup[];
}

async function startPgCluster(spec: ClusterSpec): Promise<PgTarget> {
  const { name, port, binDir } = spec;
  const root = isRoot();
  const runAs = root ? PG_OS_USER : null;
  const clusterDir = path.join(spec.pgDir, name);
  const dataDir = path.join(clusterDir, 'data');
  const target: PgTarget = {
    name,
    host: HOST,
    port,
    superuser: 'postgres',
    superpassword: secret(),
    monitorUser: MONITOR_ROLE,
    monitorPassword: secret(),
    actionsUser: TEST_ROLES.actions,
    actionsPassword: secret(),
    dataDir,
    socketDir: clusterDir,
    binDir,
    runAs,
  };
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const message = (err as Error).message;
      const log = clusterLogFile(target);
      throw new Error(
        `PostgreSQL cluster "${name}" (port ${port}): ${what} failed: ${message}` +
          (message.includes(log) || !existsSync(log)
            ? ''
            : `\n--- ${log} (tail)\n${await tailFile(log)}`),
        { cause: err },
      );
    }
  };

  await step('preparing directories', async () => {
    await mkdir(clusterDir, { mode: 0o755 });
    await chmod(clusterDir, 0o755);
    if (root) {
      const pgUser = await lookupUser(PG_OS_USER);
      if (!pgUser) throw new Error(`running as root needs an OS user "${PG_OS_USER}"`);
      await chown(clusterDir, pgUser.uid, pgUser.gid);
    }
  });

  await step('initdb', async () => {
    const pwFile = path.join(clusterDir, 'superuser.pw');
    await writeFile(pwFile, `${target.superpassword}\n`, { mode: 0o600 });
    if (root) {
      const pgUser = await lookupUser(PG_OS_USER);
      if (pgUser) await chown(pwFile, pgUser.uid, pgUser.gid);
    }
    try {
      await exec(
        path.join(binDir, 'initdb'),
        [
          '-D',
          dataDir,
          '-U',
          target.superuser,
          `--pwfile=${pwFile}`,
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '-E',
          'UTF8',
          '--locale=C',
          '--no-sync',
          '--no-instructions',
        ],
        { runAs, cwd: clusterDir, timeoutMs: 120_000 },
      );
    } finally {
      await rm(pwFile, { force: true });
    }
  });

  await step('configuring', async () => {
    const conf = [
      '',
      '# pgmon test harness',
      `listen_addresses = '${HOST}'`,
      `port = ${port}`,
      `unix_socket_directories = '${clusterDir}'`,
      'max_connections = 200',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'shared_buffers = 32MB',
      'logging_collector = off',
      "timezone = 'UTC'",
      "log_timezone = 'UTC'",
      "lc_messages = 'C'",
      "shared_preload_libraries = 'pg_stat_statements'",
      "pg_stat_statements.track = 'all'",
      'track_io_timing = on',
      ...(name === 'stats' ? ['pg_stat_statements.max = 100'] : []),
      ...(name === 'primary'
        ? ['wal_level = replica', 'max_wal_senders = 10', 'max_replication_slots = 10']
        : []),
      '',
    ].join('\n');
    await writeFile(path.join(dataDir, 'postgresql.conf'), conf, { flag: 'a' });
    await writeFile(
      path.join(dataDir, 'pg_hba.conf'),
      [
        '# pgmon test harness: trust on the unix socket, real password auth over TCP',
        'local all all trust',
        `host all all ${HOST}/32 scram-sha-256`,
        ...(name === 'primary' ? [`host replication postgres ${HOST}/32 trust`] : []),
        '',
      ].join('\n'),
    );
  });

  // Registered before starting, so a failed or half-done start is stopped too.
  spec.cleanups.push({
    what: `PostgreSQL cluster ${name}`,
    run: () => stopCluster(target, 'immediate'),
  });
  await step('pg_ctl start', () => startCluster(target));

  await step('creating roles and databases', async () => {
    const client = await superuserClient(target);
    try {
      await createTestRoles(client, target);
      if (name === 'stats') await client.query('CREATE DATABASE stats_db OWNER postgres');
      // In the database pgmon reads (postgres); volatile is the cluster without it.
      if (name !== 'volatile') await client.query('CREATE EXTENSION pg_stat_statements');
      if (name === 'primary') {
        await client.query(`select pg_create_physical_replication_slot($1, true)`, [UNUSED_SLOT]);
      }
    } finally {
      await client.end();
    }
  });

  if (name === 'stats') {
    await step('loading the stats_db fixture', async () => {
      const client = await superuserClient(target, 'stats_db');
      try {
        for (const sql of statsFixtureSql(spec.dayStart)) await client.query(sql);
        await client.query(`GRANT CONNECT ON DATABASE stats_db TO ${MONITOR_ROLE}`);
        await client.query(`GRANT SELECT ON pg_statistics, db_creation TO ${MONITOR_ROLE}`);
      } finally {
        await client.end();
      }
    });
  }
  return target;
}

// ---------------------------------------------------------------------------------------------
// version matrix

/** The host's main cluster as the matrix's 15, between the containers' 13 and 17. */
async function versionMatrix(
  main: PgTarget,
  containers: MatrixContainers,
): Promise<TestTargets['matrix']> {
  const version = await adminQuery<{ v: number }>(
    main,
    `select current_setting('server_version_num')::int as v`,
  );
  const versionNum = version.rows[0]?.v ?? 0;
  const hostServer: MatrixServer = {
    major: Math.floor(versionNum / 10_000),
    versionNum,
    container: null,
    hostAuth: 'scram-sha-256',
    startMs: 0,
    host: main.host,
    port: main.port,
    superuser: main.superuser,
    superpassword: main.superpassword,
    monitorUser: main.monitorUser,
    monitorPassword: main.monitorPassword,
    actionsUser: main.actionsUser,
    actionsPassword: main.actionsPassword,
    dataDir: main.dataDir,
  };
  const servers = [hostServer, ...containers.servers].sort((a, b) => a.major - b.major);
  const { missing } = containers;
  return {
    majors: [...servers, ...missing].map((s) => s.major).sort((a, b) => a - b),
    servers,
    missing,
    required: process.env.PGMON_REQUIRE_DOCKER === '1',
  };
}

// ---------------------------------------------------------------------------------------------
// replica

interface ReplicaSpec {
  primary: PgTarget;
  port: number;
  pgDir: string;
  cleanups: Cleanup[];
}

/**
 * A hot standby of `primary`, made with pg_basebackup over loopback through a new slot
 * (`-C -S`), streaming with `-R`'s primary_conninfo. Returns once it replays.
 */
async function startReplica(spec: ReplicaSpec): Promise<PgTarget> {
  const { primary, port } = spec;
  const clusterDir = path.join(spec.pgDir, 'replica');
  const target: PgTarget = {
    ...primary,
    name: 'replica',
    port,
    dataDir: path.join(clusterDir, 'data'),
    socketDir: clusterDir,
  };
  await mkdir(clusterDir, { mode: 0o755 });
  await chmod(clusterDir, 0o755);
  if (primary.runAs) {
    const pgUser = await lookupUser(primary.runAs);
    if (pgUser) await chown(clusterDir, pgUser.uid, pgUser.gid);
  }
  const basebackup = await exec(
    path.join(primary.binDir, 'pg_basebackup'),
    ['-h', HOST, '-p', String(primary.port), '-U', primary.superuser, '-D', target.dataDir].concat([
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      REPLICA_SLOT,
      '--no-sync',
      '--checkpoint=fast',
    ]),
    { runAs: primary.runAs, cwd: clusterDir, allowFailure: true, timeoutMs: 120_000 },
  );
  if (basebackup.code !== 0) {
    throw new Error(`pg_basebackup for the replica failed: ${basebackup.stderr.trim()}`);
  }
  await writeFile(
    path.join(target.dataDir, 'postgresql.conf'),
    ['', '# pgmon test harness: the replica', `port = ${port}`]
      .concat([`unix_socket_directories = '${clusterDir}'`, 'hot_standby = on', ''])
      .join('\n'),
    { flag: 'a' },
  );
  spec.cleanups.push({ what: 'PostgreSQL replica', run: () => stopCluster(target, 'immediate') });
  await startCluster(target);
  await waitForStreaming(primary);
  return target;
}

/** Resolves once the replica's walreceiver holds the slot on the primary. */
async function waitForStreaming(primary: PgTarget): Promise<void> {
  const client = await superuserClient(primary);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await client.query<{ active: boolean }>(
        'select active from pg_replication_slots where slot_name = $1',
        [REPLICA_SLOT],
      );
      if (res.rows[0]?.active) return;
      if (Date.now() > deadline) throw new Error('the replica did not start streaming in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// redis

interface RedisSpec {
  workDir: string;
  port: number;
  cleanups: Cleanup[];
}

/** redis-server on loopback, in memory only; its own directory under workDir. */
async function startRedis(spec: RedisSpec): Promise<TestTargets['redis']> {
  const dir = path.join(spec.workDir, 'redis');
  await mkdir(dir, { mode: 0o700 });
  const child = spawn(
    'redis-server',
    ['--port', String(spec.port), '--bind', HOST, '--save', '', '--appendonly', 'no'].concat([
      '--dir',
      dir,
      '--protected-mode',
      'yes',
    ]),
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  spec.cleanups.push({
    what: 'redis-server',
    run: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  });
  await waitForPort(spec.port, 10_000, 'redis-server');
  return { port: spec.port, url: `redis://${HOST}:${spec.port}` };
}

/** Resolves once something accepts TCP connections on the loopback port. */
async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, HOST);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not listen on ${port} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// sshd

interface SshdSpec {
  workDir: string;
  port: number;
  cleanups: Cleanup[];
}

async function keygen(args: string[]): Promise<void> {
  await exec('ssh-keygen', ['-q', ...args], { timeoutMs: 60_000 });
}

async function ensureOsUser(login: string): Promise<void> {
  if (await lookupUser(login)) return;
  const res = await exec('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', login], {
    allowFailure: true,
  });
  // 9: the user appeared meanwhile (another run); anything else is an error.
  if (res.code !== 0 && !(await lookupUser(login))) {
    throw new Error(`useradd ${login} failed (${res.code}): ${res.stderr.trim()}`);
  }
}

async function startSshd(spec: SshdSpec): Promise<TestTargets['ssh']> {
  const { workDir, port } = spec;
  const sshDir = path.join(workDir, 'ssh');
  const keysDir = path.join(sshDir, 'client-keys');
  const authDir = path.join(workDir, 'authorized_keys');
  const logFile = path.join(sshDir, 'sshd.log');
  const root = isRoot();
  try {
    await mkdir(sshDir, { mode: 0o755 });
    await mkdir(keysDir, { mode: 0o700 });
    await mkdir(authDir, { mode: 0o755 });
    await chmod(authDir, 0o755);

    // Host key.
    const hostKey = path.join(sshDir, 'ssh_host_ed25519_key');
    await keygen(['-t', 'ed25519', '-N', '', '-C', 'pgmon-test-host', '-f', hostKey]);
    const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim();
    const fp = await exec('ssh-keygen', ['-l', '-f', `${hostKey}.pub`]);
    const hostKeyFingerprint = fp.stdout.split(/\s+/).find((f) => f.startsWith('SHA256:'));
    if (!hostKeyFingerprint) throw new Error(`unexpected ssh-keygen -l output: ${fp.stdout}`);

    // Users.
    let passwordUser: SshUser | null = null;
    let keyLogin: string;
    if (root) {
      await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
      await ensureOsUser(SSH_PASSWORD_USER);
      await ensureOsUser(SSH_KEY_USER);
      const password = await stablePassword();
      await exec('chpasswd', [], { input: `${SSH_PASSWORD_USER}:${password}\n` });
      // Without PAM, sshd refuses accounts whose password field starts with "!" (locked), which
      // is how useradd leaves them: "*" means "no password login" but not locked.
      await exec('usermod', ['-p', '*', SSH_KEY_USER]);
      passwordUser = { login: SSH_PASSWORD_USER, password };
      keyLogin = SSH_KEY_USER;
    } else {
      keyLogin = os.userInfo().username;
    }

    // Key user: ed25519 without passphrase, RSA PEM with a passphrase; both authorised.
    const edKey = path.join(keysDir, `${keyLogin}_ed25519`);
    const rsaKey = path.join(keysDir, `${keyLogin}_rsa`);
    const rsaPassphrase = secret(12);
    await Promise.all([
      keygen(['-t', 'ed25519', '-N', '', '-C', `${keyLogin}@pgmon-test`, '-f', edKey]),
      keygen([
        '-t',
        'rsa',
        '-b',
        '2048',
        '-m',
        'PEM',
        '-N',
        rsaPassphrase,
        '-C',
        `${keyLogin}-rsa@pgmon-test`,
        '-f',
        rsaKey,
      ]),
    ]);
    const authorized = path.join(authDir, keyLogin);
    await writeFile(
      authorized,
      (await readFile(`${edKey}.pub`, 'utf8')) + (await readFile(`${rsaKey}.pub`, 'utf8')),
      { mode: 0o644 },
    );
    await chmod(authorized, 0o644);

    const allowUsers = passwordUser ? [passwordUser.login, keyLogin] : [keyLogin];
    const config = path.join(sshDir, 'sshd_config');
    await writeFile(
      config,
      [
        '# pgmon test harness',
        `Port ${port}`,
        `ListenAddress ${HOST}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(sshDir, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin no',
        'PubkeyAuthentication yes',
        `PasswordAuthentication ${passwordUser ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        `AuthorizedKeysFile ${authDir}/%u`,
        `AllowUsers ${allowUsers.join(' ')}`,
        'MaxStartups 100',
        'LoginGraceTime 10',
        'UseDNS no',
        'PrintMotd no',
        'X11Forwarding no',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );

    const sshd = await spawnSshd(config, logFile, { detached: true });
    spec.cleanups.push({ what: 'sshd', run: () => stopSshd(sshd) });
    await waitForSshBanner(port, sshd, { timeoutMs: 15_000 });

    const keyUser: SshUser = {
      login: keyLogin,
      privateKeyPath: edKey,
      privateKey: await readFile(edKey, 'utf8'),
      rsaKeyPath: rsaKey,
      rsaKey: await readFile(rsaKey, 'utf8'),
      rsaPassphrase,
    };
    return { host: HOST, port, hostKeyFingerprint, hostPublicKey, passwordUser, keyUser };
  } catch (err) {
    throw new Error(
      `sshd (port ${port}): ${(err as Error).message}\n--- ${logFile} (tail)\n` +
        (await tailFile(logFile)),
      { cause: err },
    );
  }
}

/** For run.ts: a short description of where things listen. */
export function describeTargets(info: TestTargets): string {
  const pg = [...CLUSTER_NAMES, 'replica' as const].map((n) => `${n}:${info.pg[n].port}`).join(' ');
  return (
    `pg ${pg}, sshd:${info.ssh.port}, redis:${info.redis.port}, closed:${info.closedPort}, silent:${info.silentPort}` +
    (info.pg.main.runAs ? ` (postgres runs as ${info.pg.main.runAs})` : '') +
    (info.ssh.passwordUser ? '' : ' (no ssh password user: not root)') +
    `; version matrix: ${describeMatrix(info.matrix)}`
  );
}

function describeMatrix(matrix: TestTargets['matrix']): string {
  const servers = matrix.servers.map((s) =>
    s.container ? `${s.major}:${s.port} (${(s.startMs / 1000).toFixed(1)} s)` : `${s.major}:main`,
  );
  const missing = matrix.missing.map(
    (m) => `${m.major} ${m.failed ? 'FAILED' : 'missing'}: ${m.reason.split('\n')[0]}`,
  );
  return [...servers, ...missing].join(', ');
}

/** True when every directory from `dir` up to / can be traversed by other users. */
export async function traversableByOthers(dir: string): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    const st = await stat(current);
    if ((st.mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}
