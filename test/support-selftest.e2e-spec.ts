/**
 * Self-test of the test harness: checks that every target started by test/run.ts is real and
 * behaves as documented in test/support/targets-info.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { Client as PgClient } from 'pg';
import { Client as SshClient, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { adminQuery, createDatabase, startCluster, stopCluster } from './support/clusters.js';
import { readTargets, type PgTarget, type SshUser } from './support/targets-info.js';

const targets = readTargets();
const clusters: PgTarget[] = [
  targets.pg.main,
  targets.pg.stats,
  targets.pg.volatile,
  targets.pg.primary,
  targets.pg.replica,
];

async function withMonitor<T>(
  t: PgTarget,
  fn: (c: PgClient) => Promise<T>,
  database = 'postgres',
  password = t.monitorPassword,
): Promise<T> {
  const client = new PgClient({
    host: t.host,
    port: t.port,
    user: t.monitorUser,
    password,
    database,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function sqlState(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
}

void describe('PostgreSQL clusters', () => {
  for (const t of clusters) {
    void it(`${t.name}: pgmon_monitor logs in over TCP with its password and is in pg_monitor`, async () => {
      const row = await withMonitor(t, async (c) => {
        const res = await c.query<{ user: string; member: boolean; superuser: boolean }>(
          `SELECT current_user AS user, pg_has_role(current_user, 'pg_monitor', 'member') AS member,
                  (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
        );
        return res.rows[0];
      });
      assert.deepEqual(row, { user: 'pgmon_monitor', member: true, superuser: false });
    });

    void it(`${t.name}: a wrong password is rejected with SQLSTATE 28P01`, async () => {
      await assert.rejects(
        withMonitor(t, () => Promise.resolve(), 'postgres', `${t.monitorPassword}x`),
        (err: unknown) => {
          assert.equal(sqlState(err), '28P01');
          return true;
        },
      );
    });
  }

  void it('main: server is PostgreSQL 15 with the harness settings', async () => {
    const res = await adminQuery<{ server_version_num: string; fsync: string; tz: string }>(
      targets.pg.main,
      `SELECT current_setting('server_version_num') AS server_version_num,
              current_setting('fsync') AS fsync, current_setting('TimeZone') AS tz`,
    );
    assert.match(res.rows[0].server_version_num, /^15\d{4}$/);
    assert.equal(res.rows[0].fsync, 'off');
    assert.equal(res.rows[0].tz, 'UTC');
  });

  void it('main: appdb exists and createDatabase() makes and drops a database', async () => {
    const db = await createDatabase(targets.pg.main, 'selftest');
    try {
      assert.match(db.name, /^selftest_[0-9a-f]{12}$/);
      const client = new PgClient({ connectionString: db.url });
      await client.connect();
      try {
        const res = await client.query<{ db: string }>('SELECT current_database() AS db');
        assert.equal(res.rows[0].db, db.name);
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
    const res = await adminQuery<{ datname: string }>(
      targets.pg.main,
      'SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname',
      [['appdb', db.name]],
    );
    assert.deepEqual(
      res.rows.map((r) => r.datname),
      ['appdb'],
    );
  });
});

void describe('pg_stat_statements', () => {
  const extension = (t: PgTarget) =>
    adminQuery<{ installed: boolean; max: string; preload: string }>(
      t,
      `SELECT exists (select 1 from pg_extension where extname = 'pg_stat_statements') AS installed,
              current_setting('pg_stat_statements.max') AS max,
              current_setting('shared_preload_libraries') AS preload`,
    ).then((res) => res.rows[0]);

  void it('main and primary: preloaded and created in postgres, default max', async () => {
    for (const t of [targets.pg.main, targets.pg.primary]) {
      assert.deepEqual(await extension(t), {
        installed: true,
        max: '5000',
        preload: 'pg_stat_statements',
      });
    }
  });

  void it('stats: created, max 100 (for eviction)', async () => {
    assert.equal((await extension(targets.pg.stats))?.max, '100');
    assert.equal((await extension(targets.pg.stats))?.installed, true);
  });

  void it('volatile: preloaded but not created (the missing case)', async () => {
    assert.equal((await extension(targets.pg.volatile))?.installed, false);
  });
});

void describe('replication', () => {
  void it('replica: in recovery, streaming from primary through the slot', async () => {
    const recovery = await adminQuery<{ r: boolean }>(
      targets.pg.replica,
      'SELECT pg_is_in_recovery() AS r',
    );
    assert.equal(recovery.rows[0]?.r, true);
    const slots = await adminQuery<{ slot_name: string; active: boolean }>(
      targets.pg.primary,
      'SELECT slot_name, active FROM pg_replication_slots ORDER BY slot_name',
    );
    assert.deepEqual(slots.rows, [
      { slot_name: targets.replication.slot, active: true },
      { slot_name: targets.replication.unusedSlot, active: false },
    ]);
  });
});

void describe('redis', () => {
  void it('answers PING with PONG on loopback', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(targets.redis.port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString('latin1'));
      });
      socket.write('PING\r\n');
    });
    assert.equal(reply, '+PONG\r\n');
  });
});

void describe('stats_db fixture', () => {
  const stats = targets.pg.stats;

  void it('holds 2 * 864 samples, readable by pgmon_monitor', async () => {
    const rows = await withMonitor(
      stats,
      async (c) =>
        (
          await c.query<{ datname: string; n: string; first: Date; last: Date }>(
            `SELECT datname, count(*) AS n, min(ts) AS first, max(ts) AS last
               FROM pg_statistics GROUP BY datname ORDER BY datname`,
          )
        ).rows,
      'stats_db',
    );
    const dayStart = new Date(targets.statsFixture.dayStart);
    assert.equal(targets.statsFixture.days, 3);
    assert.equal(targets.statsFixture.intervalMinutes, 5);
    assert.deepEqual(
      rows.map((r) => [r.datname, Number(r.n)]),
      [
        ['app_main', 864],
        ['app_reset', 864],
      ],
    );
    for (const r of rows) {
      assert.equal(r.first.getTime(), dayStart.getTime());
      assert.equal(r.last.getTime(), dayStart.getTime() + 863 * 5 * 60_000);
    }
    assert.equal(dayStart.getUTCHours() + dayStart.getUTCMinutes(), 0);
  });

  void it('app_main has exactly 100 commits per interval (86,300 in total)', async () => {
    const res = await withMonitor(
      stats,
      (c) =>
        c.query<{ total: string; min: string; max: string }>(
          `SELECT sum(d) AS total, min(d) AS min, max(d) AS max FROM (
             SELECT xact_commit - lag(xact_commit) OVER (ORDER BY ts) AS d
               FROM pg_statistics WHERE datname = 'app_main') s WHERE d IS NOT NULL`,
        ),
      'stats_db',
    );
    assert.deepEqual(res.rows[0], { total: '86300', min: '100', max: '100' });
  });

  void it('app_reset has its counter reset at sample 432 and its re-creation at sample 600', async () => {
    const res = await withMonitor(
      stats,
      (c) =>
        c.query<{ i: number; datid: number; xact_commit: string; reset: boolean }>(
          `SELECT i, datid::int AS datid, xact_commit, stats_reset IS NOT NULL AS reset FROM (
             SELECT row_number() OVER (ORDER BY ts) - 1 AS i, * FROM pg_statistics
              WHERE datname = 'app_reset') s
            WHERE i IN (0, 431, 432, 599, 600, 863) ORDER BY i`,
        ),
      'stats_db',
    );
    assert.deepEqual(
      res.rows.map((r) => [Number(r.i), r.datid, Number(r.xact_commit), r.reset]),
      [
        [0, 16501, 500, false],
        [431, 16501, 4810, false],
        [432, 16501, 0, true],
        [599, 16501, 1670, true],
        [600, 16502, 0, false],
        [863, 16502, 2630, false],
      ],
    );
    const created = await withMonitor(
      stats,
      (c) =>
        c.query<{ datname: string; creation_time: Date }>(
          'SELECT datname, creation_time FROM db_creation ORDER BY datname',
        ),
      'stats_db',
    );
    const dayStart = new Date(targets.statsFixture.dayStart).getTime();
    assert.deepEqual(
      created.rows.map((r) => [r.datname, r.creation_time.getTime()]),
      [
        ['app_main', dayStart - 30 * 86_400_000],
        ['app_reset', dayStart + 600 * 5 * 60_000],
      ],
    );
  });
});

void describe('special ports', () => {
  void it('closedPort refuses connections', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: targets.closedPort });
      socket.on('connect', () => {
        socket.destroy();
        resolve(null);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e));
    });
    assert.equal(err?.code, 'ECONNREFUSED');
  });

  void it('silentPort accepts a connection and sends nothing within 300 ms', async () => {
    const received = await new Promise<number>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: targets.silentPort });
      let bytes = 0;
      socket.on('data', (d: Buffer) => (bytes += d.length));
      socket.on('error', reject);
      socket.on('connect', () => {
        socket.write('hello?\r\n');
        setTimeout(() => {
          socket.destroy();
          resolve(bytes);
        }, 300);
      });
    });
    assert.equal(received, 0);
  });
});

function sshConnect(auth: Partial<ConnectConfig>): Promise<SshClient> {
  const { ssh } = targets;
  const expected = ssh.hostKeyFingerprint.replace(/^SHA256:/, '').replace(/=+$/, '');
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    let seenFingerprint = '';
    client.on('ready', () => resolve(client));
    client.on('error', (err) =>
      reject(new Error(`${err.message} (host key seen: ${seenFingerprint || 'none'})`)),
    );
    client.connect({
      host: ssh.host,
      port: ssh.port,
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => {
        seenFingerprint = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
        return seenFingerprint === expected;
      },
      ...auth,
    });
  });
}

function sftpOf(client: SshClient): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) =>
    client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))),
  );
}

interface StatvfsInfo {
  f_bsize: number | bigint;
  f_blocks: number | bigint;
  f_bfree: number | bigint;
}

function statvfs(sftp: SFTPWrapper, p: string): Promise<StatvfsInfo> {
  return new Promise((resolve, reject) =>
    sftp.ext_openssh_statvfs(p, (err: Error | undefined, info: unknown) =>
      err ? reject(err) : resolve(info as StatvfsInfo),
    ),
  );
}

async function checkStatvfs(user: SshUser, auth: Partial<ConnectConfig>): Promise<void> {
  const client = await sshConnect({ username: user.login, ...auth });
  try {
    const sftp = await sftpOf(client);
    const info = await statvfs(sftp, targets.pg.main.dataDir);
    const total = BigInt(info.f_bsize) * BigInt(info.f_blocks);
    const free = BigInt(info.f_bsize) * BigInt(info.f_bfree);
    assert.ok(total > free, `total ${total} > free ${free}`);
    assert.ok(free > 0n, `free ${free} > 0`);
    sftp.end();
  } finally {
    client.end();
  }
}

void describe('sshd', () => {
  const { keyUser, passwordUser } = targets.ssh;

  void it('key user (ed25519) logs in, host key verified, SFTP statvfs on the main data dir', () =>
    checkStatvfs(keyUser, { privateKey: keyUser.privateKey }));

  void it('key user logs in with the passphrase-protected RSA key', () =>
    checkStatvfs(keyUser, { privateKey: keyUser.rsaKey, passphrase: keyUser.rsaPassphrase }));

  void it(
    'password user logs in with its password',
    { skip: passwordUser ? false : 'no ssh password user (the tests do not run as root)' },
    () => checkStatvfs(passwordUser as SshUser, { password: passwordUser?.password }),
  );

  void it(
    'a wrong password is rejected',
    { skip: passwordUser ? false : 'no ssh password user (the tests do not run as root)' },
    async () => {
      await assert.rejects(
        sshConnect({ username: passwordUser?.login, password: 'wrong-password' }),
        /authentication methods failed/i,
      );
    },
  );

  void it('a wrong host key fingerprint is refused by the verifier', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const client = new SshClient();
        client.on('ready', () => {
          client.end();
          resolve(undefined);
        });
        client.on('error', reject);
        client.connect({
          host: targets.ssh.host,
          port: targets.ssh.port,
          username: keyUser.login,
          privateKey: keyUser.privateKey,
          hostVerifier: () => false,
        });
      }),
      /verification failed/i,
    );
  });
});

void describe('volatile cluster', () => {
  const volatile = targets.pg.volatile;
  after(() => startCluster(volatile));

  void it('can be stopped and started again', async () => {
    await stopCluster(volatile);
    await stopCluster(volatile); // no-op when already stopped
    await assert.rejects(
      adminQuery(volatile, 'SELECT 1'),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
    );
    await startCluster(volatile);
    await startCluster(volatile); // no-op when already running
    const res = await withMonitor(volatile, (c) => c.query<{ one: number }>('SELECT 1 AS one'));
    assert.equal(res.rows[0].one, 1);
  });
});
