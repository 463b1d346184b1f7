/**
 * The scripts the sample target containers run, outside Docker: deploy/target/monitor-role.sql
 * (through psql), deploy/target/initdb/10-pgmon-monitor.sh (with the environment the postgres
 * image gives it) and deploy/target/sshd-setup.sh (as root: a real sshd started from the config
 * it writes).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { Client as SshClient } from 'ssh2';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { isRoot, sleep } from '../support/proc.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/processes.js';
import { spawnSshd, stopSshd, waitForSshBanner } from '../support/sshd.js';
import { readTargets } from '../support/targets-info.js';
import { ROOT, assertExit, run, type RunResult } from './helpers.js';

const targets = readTargets();
const { main } = targets.pg;
const SQL = join(ROOT, 'deploy/target/monitor-role.sql');
const INITDB_SCRIPT = join(ROOT, 'deploy/target/initdb/10-pgmon-monitor.sh');
const SSHD_SETUP = join(ROOT, 'deploy/target/sshd-setup.sh');

/** A password that needs quoting in SQL: the script must use it as a literal, not as SQL. */
function awkwardPassword(): string {
  return `pw'"\\ ;--${randomBytes(6).toString('hex')}`;
}

function uniqueRole(): string {
  return `deploy_mon_${randomBytes(4).toString('hex')}`;
}

interface RoleFacts {
  rolcanlogin: boolean;
  rolsuper: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  monitor: boolean;
}

async function roleFacts(role: string): Promise<RoleFacts[]> {
  const result = await adminQuery<RoleFacts>(
    main,
    `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole,
            pg_has_role(oid, 'pg_monitor', 'MEMBER') AS monitor
       FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  return result.rows;
}

/** Logs in over TCP as `role`; returns what it can see through pg_monitor. */
async function loginAs(role: string, password: string, database: string): Promise<string> {
  const client = new pg.Client({
    host: main.host,
    port: main.port,
    user: role,
    password,
    database,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    const result = await client.query<{ data_directory: string }>('SHOW data_directory');
    return result.rows[0]?.data_directory ?? '';
  } finally {
    await client.end();
  }
}

async function assertMonitorRole(role: string, password: string, database: string): Promise<void> {
  assert.deepEqual(await roleFacts(role), [
    { rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, monitor: true },
  ]);
  assert.equal(await loginAs(role, password, database), main.dataDir, 'pg_read_all_settings');
}

/** The environment psql needs to reach `main` as its superuser (libpq's variables). */
function superuserEnv(database: string): Record<string, string> {
  return {
    PGHOST: main.host,
    PGPORT: String(main.port),
    PGUSER: main.superuser,
    PGPASSWORD: main.superpassword,
    PGDATABASE: database,
  };
}

/**
 * The environment the postgres image gives initdb scripts, for `main` as its superuser, with
 * the monitor role to create (no PGMON_MONITOR_PASSWORD when `password` is undefined).
 */
function initdbEnv(
  database: string,
  role: string,
  password?: string,
): Record<string, string | undefined> {
  return {
    PGHOST: main.host,
    PGPORT: String(main.port),
    PGPASSWORD: main.superpassword,
    POSTGRES_USER: main.superuser,
    POSTGRES_DB: database,
    PGMON_MONITOR_USER: role,
    PGMON_MONITOR_PASSWORD: password,
    PGMON_MONITOR_SQL: SQL,
  };
}

describe('deploy/target scripts', () => {
  describe('monitor-role.sql and the initdb script', { concurrency: false }, () => {
    const roles: string[] = [];
    let database: TestDatabase;
    let sampleAppExisted = true;

    before(async () => {
      database = await createDatabase(main, 'deploy_role');
      const existing = await adminQuery(
        main,
        "SELECT 1 FROM pg_database WHERE datname = 'sample_app'",
      );
      sampleAppExisted = existing.rowCount === 1;
    });

    after(async () => {
      for (const role of roles) await adminQuery(main, `DROP ROLE IF EXISTS "${role}"`);
      if (!sampleAppExisted) {
        await adminQuery(main, 'DROP DATABASE IF EXISTS sample_app WITH (FORCE)');
      }
      await database?.drop();
    });

    function psql(role: string, password: string): Promise<RunResult> {
      return run(
        'psql',
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-v',
          `monitor_user=${role}`,
          '-v',
          `monitor_password=${password}`,
          '-f',
          SQL,
        ],
        { cwd: ROOT, env: superuserEnv(database.name) },
      );
    }

    describe('monitor-role.sql through psql', () => {
      const role = uniqueRole();
      const firstPassword = awkwardPassword();
      const secondPassword = awkwardPassword();
      roles.push(role);

      it('creates a LOGIN role in pg_monitor (no other privilege) that logs in over TCP', async () => {
        assert.deepEqual(await roleFacts(role), [], 'the role does not exist before');
        assertExit(await psql(role, firstPassword), 0, 'psql -f monitor-role.sql');
        await assertMonitorRole(role, firstPassword, database.name);
      });

      it('is harmless to run again: one role, still in pg_monitor, with the new password', async () => {
        assertExit(await psql(role, secondPassword), 0, 'psql -f monitor-role.sql (again)');
        await assertMonitorRole(role, secondPassword, database.name);
        await assert.rejects(loginAs(role, firstPassword, database.name), /password/);
      });

      it('creates the sample_app database once', async () => {
        const result = await adminQuery(
          main,
          "SELECT count(*)::int AS n FROM pg_database WHERE datname = 'sample_app'",
        );
        assert.equal((result.rows[0] as { n: number }).n, 1);
      });
    });

    describe('initdb/10-pgmon-monitor.sh', () => {
      it('is executable, as the postgres image runs it', () => {
        assert.ok((statSync(INITDB_SCRIPT).mode & 0o111) !== 0);
      });

      it('creates the role from PGMON_MONITOR_USER / PGMON_MONITOR_PASSWORD', async () => {
        const role = uniqueRole();
        roles.push(role);
        const password = awkwardPassword();
        const result = await run(INITDB_SCRIPT, [], {
          cwd: ROOT,
          env: initdbEnv(database.name, role, password),
        });
        assertExit(result, 0, '10-pgmon-monitor.sh');
        assert.equal(result.stdout.includes(password), false, 'the password is not echoed');
        await assertMonitorRole(role, password, database.name);
      });

      it('stops before touching the server when PGMON_MONITOR_PASSWORD is missing', async () => {
        const role = uniqueRole();
        roles.push(role);
        const result = await run(INITDB_SCRIPT, [], {
          cwd: ROOT,
          env: initdbEnv(database.name, role),
        });
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, /PGMON_MONITOR_PASSWORD is required/);
        assert.deepEqual(await roleFacts(role), []);
      });
    });
  });

  describe('sshd-setup.sh', () => {
    it('refuses to run without SSH_PASSWORD, before changing anything', async () => {
      const dir = tempDir('pgmon-sshd-setup-');
      try {
        const result = await run(SSHD_SETUP, [], {
          cwd: dir,
          env: { SSH_USER: `pgmdep_${randomBytes(3).toString('hex')}`, SSHD_DIR: dir },
        });
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, /SSH_PASSWORD is required/);
        assert.throws(() => statSync(join(dir, 'sshd_config')), { code: 'ENOENT' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const skip = isRoot() ? false : 'sshd-setup.sh adds an OS user: runs as root only';
    describe('as root: a real sshd from the config it writes', { skip }, () => {
      let dir = '';
      const user = `pgmdep_${randomBytes(4).toString('hex')}`;
      const firstPassword = `first-${randomBytes(9).toString('base64url')}`;
      const password = `second-${randomBytes(9).toString('base64url')}`;
      let port = 0;
      let sshd: ChildProcess | undefined;
      let hostKeyBefore = '';

      before(async () => {
        dir = tempDir('pgmon-sshd-setup-');
        port = await freePort();
      });

      after(async () => {
        if (sshd) await stopSshd(sshd);
        // userdel refuses while a session of the user is still closing.
        for (let attempt = 0; attempt < 20; attempt++) {
          const removed = await run('userdel', [user], { cwd: '/', env: {} });
          if (removed.code === 0 || /does not exist/.test(removed.stderr)) break;
          await sleep(250);
        }
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      function setup(sshPassword: string): Promise<RunResult> {
        return run(SSHD_SETUP, [], {
          cwd: dir,
          env: {
            SSH_USER: user,
            SSH_PASSWORD: sshPassword,
            SSHD_DIR: dir,
            SSHD_PORT: String(port),
          },
        });
      }

      it('exits 0 after validating its sshd_config (sshd -t)', async () => {
        const result = await setup(firstPassword);
        assertExit(result, 0, 'sshd-setup.sh');
        assert.equal(result.stdout.trim(), `sshd configured for ${user} on port ${port}`);
        const config = readFileSync(join(dir, 'sshd_config'), 'utf8');
        assert.match(config, new RegExp(`^Port ${port}$`, 'm'));
        assert.match(config, new RegExp(`^AllowUsers ${user}$`, 'm'));
        assert.match(config, /^PermitRootLogin no$/m);
        assert.match(config, /^Subsystem sftp internal-sftp$/m);
        const passwd = await run('getent', ['passwd', user], { cwd: dir, env: {} });
        assertExit(passwd, 0, `getent passwd ${user}`);
        hostKeyBefore = readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8');
      });

      it('runs again harmlessly (a restarted container): same user, same host key, new password', async () => {
        assert.ok(hostKeyBefore, 'the first run happened');
        assertExit(await setup(password), 0, 'sshd-setup.sh (again)');
        assert.equal(readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8'), hostKeyBefore);
      });

      it('lets the user read statvfs of the data directory over SFTP with its password', async () => {
        const logFile = join(dir, 'sshd.log');
        sshd = await spawnSshd(join(dir, 'sshd_config'), logFile);
        await waitForSshBanner(port, sshd, { timeoutMs: 15_000, logFile });
        const hostKey = hostKeyBefore.split(' ')[1] ?? '';
        const info = await statvfsOverSftp({ port, user, password, hostKey }, main.dataDir);
        const local = statfsSync(main.dataDir);
        assert.equal(info.f_blocks, local.blocks, 'the filesystem of the data directory');
        assert.ok(info.f_bavail > 0 && info.f_frsize > 0, JSON.stringify(info));
      });

      it('refuses the old password and every other user (AllowUsers)', async () => {
        assert.ok(sshd, 'sshd runs');
        const hostKey = hostKeyBefore.split(' ')[1] ?? '';
        await assert.rejects(
          statvfsOverSftp({ port, user, password: firstPassword, hostKey }, '/'),
          /authentication methods failed/,
        );
        const other = targets.ssh.passwordUser;
        assert.ok(other?.password);
        await assert.rejects(
          statvfsOverSftp({ port, user: other.login, password: other.password, hostKey }, '/'),
          /authentication methods failed/,
        );
      });
    });
  });
});

interface Statvfs {
  f_bsize: number;
  f_frsize: number;
  f_blocks: number;
  f_bfree: number;
  f_bavail: number;
}

/** SFTP statvfs@openssh.com of `path`, accepting only the given host key (base64 blob). */
function statvfsOverSftp(
  login: { port: number; user: string; password: string; hostKey: string },
  path: string,
): Promise<Statvfs> {
  const expected = createHash('sha256').update(Buffer.from(login.hostKey, 'base64')).digest('hex');
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    const fail = (error: Error): void => {
      client.end();
      reject(error);
    };
    client.on('error', fail);
    client.on('ready', () => {
      client.sftp((error, sftp) => {
        if (error) return fail(error);
        sftp.ext_openssh_statvfs(path, (statError: Error | undefined, info: unknown) => {
          client.end();
          if (statError) reject(statError);
          else resolve(info as Statvfs);
        });
      });
    });
    client.connect({
      host: '127.0.0.1',
      port: login.port,
      username: login.user,
      password: login.password,
      tryKeyboard: false,
      readyTimeout: 15_000,
      hostHash: 'sha256',
      hostVerifier: (hash: string) => hash === expected,
    });
  });
}
