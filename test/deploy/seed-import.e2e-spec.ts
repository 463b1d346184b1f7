/**
 * `pgmon import-seed`: the seed's servers.json (Fernet tokens), encryption_key.key and
 * users.json (bcrypt), run through the real CLI as a child process, then the real API on the
 * same DATA_DIR.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import bcrypt from 'bcryptjs';
import { CliModule } from '../../apps/cli/src/cli.module.js';
import { runImportSeed } from '../../apps/cli/src/commands/import-seed.command.js';
import { runServersCommand } from '../../apps/cli/src/commands/servers.command.js';
import { bearer, startTestApi, withEnv, type TestApi } from '../support/api.js';
import { fernetEncrypt, generateFernetKey } from '../support/fernet-encoder.js';
import { tempDir } from '../support/processes.js';
import { readTargets } from '../support/targets-info.js';
import {
  assertExit,
  readSqliteStore,
  runCli,
  secret,
  type RunResult,
  type StoredServer,
} from './helpers.js';

const targets = readTargets();
const { main, stats } = targets.pg;
const sshd = targets.ssh;
/** The password SSH user exists only when the tests run as root. */
const sshUser = sshd.passwordUser;

const ADMIN_PASSWORD = 'seed admin password (2b)';
const VIEWER_PASSWORD = 'seed viewer password (2a)';
const FAST_COST = 4;

/** A $2b$ hash (what bcryptjs and Python's bcrypt write today). */
const HASH_2B = bcrypt.hashSync(ADMIN_PASSWORD, FAST_COST);
/** A $2a$ hash (older bcrypt libraries): bcryptjs hashes with the minor version of the salt. */
const HASH_2A = bcrypt.hashSync(
  VIEWER_PASSWORD,
  bcrypt.genSaltSync(FAST_COST).replace(/^\$2b\$/, '$2a$'),
);

interface SeedServerEntry {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string | null;
  stats_db: string | null;
  ssh_user: string | null;
  ssh_password: string | null;
  ssh_port: number;
}

interface SeedUserEntry {
  login: string;
  password: string;
  role?: string;
}

interface Fixture {
  fernetKey: string;
  servers: SeedServerEntry[];
  users: SeedUserEntry[];
}

/** The seed's files for the real clusters: main with SSH (as root), stats with its stats_db. */
function fixture(fernetKey = generateFernetKey()): Fixture {
  return {
    fernetKey,
    servers: [
      {
        name: 'seed-main',
        host: '127.0.0.1',
        port: main.port,
        user: main.monitorUser,
        password: fernetEncrypt(fernetKey, main.monitorPassword),
        stats_db: '',
        ssh_user: sshUser?.login ?? '',
        ssh_password: sshUser?.password ? fernetEncrypt(fernetKey, sshUser.password) : null,
        ssh_port: sshd.port,
      },
      {
        name: 'seed-stats',
        host: '127.0.0.1',
        port: stats.port,
        user: stats.monitorUser,
        password: fernetEncrypt(fernetKey, stats.monitorPassword),
        stats_db: 'stats_db',
        ssh_user: null,
        ssh_password: null,
        ssh_port: 22,
      },
      {
        // The same name again (a hand-edited file): skipped, the first one wins.
        name: 'seed-main',
        host: '192.0.2.1',
        port: 5432,
        user: 'other',
        password: fernetEncrypt(fernetKey, 'another password'),
        stats_db: null,
        ssh_user: null,
        ssh_password: null,
        ssh_port: 22,
      },
    ],
    users: [
      { login: 'seed-admin', password: HASH_2B },
      { login: 'seed-viewer', password: HASH_2A, role: 'viewer' },
    ],
  };
}

/** Every plaintext secret of the fixture: none may show up in an output or in the store. */
const PLAINTEXTS = [
  main.monitorPassword,
  stats.monitorPassword,
  'another password',
  ADMIN_PASSWORD,
  VIEWER_PASSWORD,
  ...(sshUser?.password ? [sshUser.password] : []),
];

function assertNoPlaintext(text: string, where: string): void {
  for (const plaintext of PLAINTEXTS) {
    assert.equal(text.includes(plaintext), false, `${where} holds a plaintext secret`);
  }
}

function lines(result: RunResult): string[] {
  return `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.length > 0);
}

describe('SeedImporter', () => {
  const root = tempDir('pgmon-seed-import-');
  const secretKey = secret(32);
  const encryptionKey = secret(32);
  let dirs = 0;

  after(() => rmSync(root, { recursive: true, force: true }));

  /** Writes the seed's config directory; `edit` may change the files first. */
  function seedDir(files: Fixture, raw: Partial<Record<string, string>> = {}): string {
    const dir = join(root, `seed-${dirs++}`);
    mkdirSync(dir);
    const contents: Record<string, string> = {
      'servers.json': JSON.stringify(files.servers, null, 2),
      'users.json': JSON.stringify(files.users, null, 2),
      'encryption_key.key': `${files.fernetKey}\n`,
    };
    for (const [name, content] of Object.entries({ ...contents, ...raw })) {
      if (content !== undefined) writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  function newDataDir(): string {
    const dir = join(root, `data-${dirs++}`);
    mkdirSync(dir);
    return dir;
  }

  /** The CLI on DATA_DIR with pgmon's keys, in `root` (no .env there). */
  async function cli(dataDir: string, args: string[]): Promise<RunResult> {
    const result = await runCli(
      args,
      { DATA_DIR: dataDir, SECRET_KEY: secretKey, ENCRYPTION_KEY: encryptionKey },
      root,
    );
    assertNoPlaintext(result.stdout + result.stderr, `the output of ${args.join(' ')}`);
    return result;
  }

  function assertEmptyStore(dataDir: string): void {
    const store = readSqliteStore(dataDir);
    assert.deepEqual(store.servers, [], 'no server was written');
    assert.deepEqual(store.users, [], 'no user was written');
  }

  it('writes its fixtures with an encoder that reproduces the Fernet spec token byte for byte', () => {
    const token = fernetEncrypt('cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=', 'hello', {
      iv: Buffer.from([...Array(16).keys()]),
      time: new Date('1985-10-26T01:20:00-07:00'),
    });
    assert.equal(
      token,
      'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
    );
  });

  describe('a first import, its dry run and a second run', { concurrency: false }, () => {
    const files = fixture();
    let configDir: string;
    let dataDir: string;
    let storedAfterImport: StoredServer[] = [];

    before(() => {
      configDir = seedDir(files);
      dataDir = newDataDir();
    });

    it('--dry-run reports what it would import and writes nothing', async () => {
      const result = await cli(dataDir, ['import-seed', '--config-dir', configDir, '--dry-run']);
      assertExit(result, 0, 'dry run');
      assert.deepEqual(lines(result), [
        'would import server seed-main',
        'would import server seed-stats',
        'skipped server seed-main: the name appears more than once in servers.json',
        'would import user seed-admin',
        'would import user seed-viewer',
        'Dry run: would import 2 server(s) and 2 user(s); skipped 1 server(s) and 0 user(s).',
      ]);
      assertEmptyStore(dataDir);
    });

    it('imports the servers and users, listing each item and the skipped duplicate', async () => {
      const result = await cli(dataDir, ['import-seed', '--config-dir', configDir]);
      assertExit(result, 0, 'import');
      assert.deepEqual(lines(result), [
        'imported server seed-main',
        'imported server seed-stats',
        'skipped server seed-main: the name appears more than once in servers.json',
        'imported user seed-admin',
        'imported user seed-viewer',
        'Imported 2 server(s) and 2 user(s); skipped 1 server(s) and 0 user(s).',
      ]);
    });

    it('stores the passwords re-sealed (v1.), neither in clear nor as Fernet tokens', () => {
      const store = readSqliteStore(dataDir);
      storedAfterImport = store.servers;
      assert.deepEqual(
        store.servers.map((server) => [server.name, server.host, server.port, server.pg_user]),
        [
          ['seed-main', '127.0.0.1', main.port, main.monitorUser],
          ['seed-stats', '127.0.0.1', stats.port, stats.monitorUser],
        ],
        'the first seed-main entry wins',
      );
      const seedMain = store.servers[0];
      const seedStats = store.servers[1];
      assert.equal(seedMain?.stats_db, null, 'an empty stats_db means none');
      assert.equal(seedStats?.stats_db, 'stats_db');
      assert.equal(seedMain?.ssh_user, sshUser?.login ?? null);
      assert.equal(seedMain?.ssh_port, sshd.port);
      const tokens = files.servers.flatMap((server) => [server.password, server.ssh_password]);
      const sealed = store.servers
        .flatMap((server) => [server.pg_password, server.ssh_password])
        .filter((value): value is string => value !== null);
      assert.equal(sealed.length, sshUser ? 3 : 2);
      for (const value of sealed) {
        assert.match(value, /^v1\.[^.]+\.[^.]+\.[^.]+\.[^.]+$/);
        assert.equal(value.startsWith('gAAAA'), false);
        assert.equal(tokens.includes(value), false, 'a Fernet token was stored as it was');
      }
      assertNoPlaintext(JSON.stringify(store), 'the store');
    });

    it('keeps the bcrypt hashes ($2b$ and $2a$) and gives a user without a role admin', () => {
      assert.ok(HASH_2B.startsWith('$2b$04$') && HASH_2A.startsWith('$2a$04$'));
      assert.deepEqual(readSqliteStore(dataDir).users, [
        { login: 'seed-admin', password_hash: HASH_2B, role: 'admin' },
        { login: 'seed-viewer', password_hash: HASH_2A, role: 'viewer' },
      ]);
    });

    it('imports nothing on a second run and says why each item is skipped', async () => {
      const result = await cli(dataDir, ['import-seed', '--config-dir', configDir]);
      assertExit(result, 0, 'second import');
      assert.deepEqual(lines(result), [
        'skipped server seed-main: a server with this name already exists in pgmon',
        'skipped server seed-stats: a server with this name already exists in pgmon',
        'skipped server seed-main: a server with this name already exists in pgmon',
        'skipped user seed-admin: a user with this login already exists in pgmon',
        'skipped user seed-viewer: a user with this login already exists in pgmon',
        'Imported 0 server(s) and 0 user(s); skipped 3 server(s) and 2 user(s).',
      ]);
      assert.deepEqual(readSqliteStore(dataDir).servers, storedAfterImport, 'nothing rewritten');
    });

    describe('the API on the same DATA_DIR and keys', () => {
      let api: TestApi;
      before(async () => {
        api = await startTestApi({
          DATA_DIR: dataDir,
          SECRET_KEY: secretKey,
          ENCRYPTION_KEY: encryptionKey,
          COLLECTOR_ENABLED: 'false',
        });
      });
      after(async () => {
        await api?.close();
      });

      it('lets both users log in with their original passwords and roles', async () => {
        for (const [login, password, role] of [
          ['seed-admin', ADMIN_PASSWORD, 'admin'],
          ['seed-viewer', VIEWER_PASSWORD, 'viewer'],
        ] as const) {
          const token = await api.login(login, password);
          const me = await api.http.get('/users/me').set(bearer(token));
          assert.equal(me.status, 200, me.text);
          assert.equal((me.body as { role: string }).role, role, login);
        }
        const wrong = await api.http
          .post('/token')
          .type('form')
          .send({ username: 'seed-viewer', password: ADMIN_PASSWORD });
        assert.equal(wrong.status, 401);
      });

      it('creates no bootstrap admin: the imported users are the only ones', async () => {
        const token = await api.login('seed-admin', ADMIN_PASSWORD);
        const users = await api.http.get('/users').set(bearer(token));
        assert.equal(users.status, 200, users.text);
        const logins = (users.body as { login: string }[]).map((user) => user.login).sort();
        assert.deepEqual(logins, ['seed-admin', 'seed-viewer']);
      });

      it('shows the imported servers with status ok: the passwords were opened and re-sealed', async () => {
        const token = await api.login('seed-viewer', VIEWER_PASSWORD);
        const response = await api.http.get('/servers').set(bearer(token));
        assert.equal(response.status, 200, response.text);
        const entries = response.body as Record<string, unknown>[];
        assert.deepEqual(
          entries.map((entry) => entry.name),
          ['seed-main', 'seed-stats'],
        );
        const [seedMain, seedStats] = entries;
        assert.equal(seedMain?.status, 'ok', JSON.stringify(seedMain));
        assert.equal(seedMain?.has_password, true);
        assert.equal(seedMain?.has_ssh_password, sshUser !== null);
        if (sshUser) {
          assert.equal(typeof seedMain?.free_space, 'number', 'disk read over SSH');
          assert.ok((seedMain?.total_space as number) > 0);
        }
        assert.equal(seedStats?.status, 'ok', JSON.stringify(seedStats));
        assert.equal(seedStats?.has_password, true);
        assert.equal(seedStats?.stats_db, 'stats_db');
        assertNoPlaintext(response.text, 'GET /servers');
      });
    });
  });

  describe('refusals through the CLI', { concurrency: true }, () => {
    it('refuses servers.json tokens of another key: exit 1, the error names the key, nothing written', async () => {
      const files = fixture();
      const dataDir = newDataDir();
      const configDir = seedDir({ ...files, fernetKey: generateFernetKey() });
      const result = await cli(dataDir, ['import-seed', '--config-dir', configDir]);
      assertExit(result, 1, 'import with a wrong key');
      assert.ok(
        lines(result).includes(
          'error: server seed-main: password: The token does not match the key (wrong encryption_key.key, or a damaged token)',
        ),
        result.stderr,
      );
      assert.match(result.stderr, /error: server seed-stats: password: .*encryption_key\.key/);
      assert.match(result.stderr, /Nothing was imported: fix the \d+ error\(s\) above/);
      assertEmptyStore(dataDir);
    });

    it('says that a missing config directory does not exist (exit 1, no stack trace)', async () => {
      const dataDir = newDataDir();
      const missing = join(root, 'no-such-config-dir');
      const result = await cli(dataDir, ['import-seed', '--config-dir', missing]);
      assertExit(result, 1, 'import from a missing directory');
      assert.equal(result.stderr.trim(), `Error: ${missing} does not exist`);
      assertEmptyStore(dataDir);
    });
  });

  // The same command code in a Nest context of the CLI's module (faster than a process each).
  describe('refusals in a CLI context: nothing is half-imported', { concurrency: false }, () => {
    /** `pgmon <command> <args>` on a fresh store, in this process; returns the report. */
    async function inContext(
      dataDir: string,
      command: typeof runImportSeed,
      args: string[],
    ): Promise<{ output: string; ok: boolean }> {
      const env = { DATA_DIR: dataDir, SECRET_KEY: secretKey, ENCRYPTION_KEY: encryptionKey };
      return withEnv({ ...env, DATABASE_URL: undefined }, async () => {
        const app = await NestFactory.createApplicationContext(await CliModule.forRoot(), {
          logger: false,
        });
        await app.init();
        try {
          const result = await command(app, args);
          assertNoPlaintext(result.output, `the report of ${args.join(' ')}`);
          return result;
        } finally {
          await app.close();
        }
      });
    }

    function importSeed(dataDir: string, configDir: string) {
      return inContext(dataDir, runImportSeed, ['--config-dir', configDir]);
    }

    it('refuses a truncated token, and writes neither servers nor users', async () => {
      const files = fixture();
      const seedStats = files.servers[1];
      assert.ok(seedStats?.password);
      seedStats.password = seedStats.password.slice(0, 60);
      const dataDir = newDataDir();
      const result = await importSeed(dataDir, seedDir(files));
      assert.equal(result.ok, false, result.output);
      assert.match(result.output, /error: server seed-stats: password: The token is truncated/);
      assert.match(result.output, /Nothing was imported/);
      assertEmptyStore(dataDir);
    });

    it('refuses an unknown role in users.json, and imports no server either', async () => {
      const files = fixture();
      files.users.push({ login: 'seed-root', password: HASH_2B, role: 'superuser' });
      const dataDir = newDataDir();
      const result = await importSeed(dataDir, seedDir(files));
      assert.equal(result.ok, false, result.output);
      assert.match(
        result.output,
        /error: user seed-root: the role "superuser" is not viewer, operator or admin/,
      );
      assertEmptyStore(dataDir);
    });

    it('refuses a password in users.json that is not a bcrypt hash, without printing it', async () => {
      const files = fixture();
      files.users.push({ login: 'seed-plain', password: ADMIN_PASSWORD });
      const dataDir = newDataDir();
      const result = await importSeed(dataDir, seedDir(files));
      assert.equal(result.ok, false, result.output);
      assert.match(result.output, /error: user seed-plain: the password is not a bcrypt hash/);
      assertEmptyStore(dataDir);
    });

    it('refuses server passwords without encryption_key.key', async () => {
      const configDir = seedDir(fixture());
      rmSync(join(configDir, 'encryption_key.key'));
      const dataDir = newDataDir();
      const result = await importSeed(dataDir, configDir);
      assert.equal(result.ok, false, result.output);
      assert.match(result.output, /error: encryption_key\.key is missing/);
      assertEmptyStore(dataDir);
    });

    it('skips a server that already exists in pgmon, with the reason, and imports the rest', async () => {
      const dataDir = newDataDir();
      const existing = join(root, `existing-${dirs++}.json`);
      writeFileSync(
        existing,
        JSON.stringify([{ name: 'seed-stats', host: '192.0.2.7', port: 5433, user: 'kept' }]),
      );
      const registered = await inContext(dataDir, runServersCommand, ['apply', '--file', existing]);
      assert.equal(registered.output, 'registered server seed-stats');
      const result = await importSeed(dataDir, seedDir(fixture()));
      assert.equal(result.ok, true, result.output);
      const reported = result.output.split('\n');
      assert.ok(
        reported.includes(
          'skipped server seed-stats: a server with this name already exists in pgmon',
        ),
        result.output,
      );
      assert.ok(reported.includes('imported server seed-main'), result.output);
      assert.match(result.output, /Imported 1 server\(s\) and 2 user\(s\); skipped 2 server\(s\)/);
      const store = readSqliteStore(dataDir);
      const stored = store.servers.find((server) => server.name === 'seed-stats');
      assert.deepEqual([stored?.host, stored?.port, stored?.pg_user], ['192.0.2.7', 5433, 'kept']);
      assert.deepEqual(
        store.users.map((user) => user.login),
        ['seed-admin', 'seed-viewer'],
      );
    });
  });
});
