import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/ports.js';
import { sleep } from '../support/proc.js';
import {
  BOOT_TIMEOUT_MS,
  NodeProcess,
  spawnNode,
  tempDir,
  type Exit,
} from '../support/processes.js';

const MAIN = fileURLToPath(new URL('../../apps/api/src/main.js', import.meta.url));
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * The real entry point as a child process: clean environment (PATH, HOME and what the test
 * sets), a temp working directory so no `.env` is read, output collected.
 */
class ApiProcess extends NodeProcess {
  private constructor(
    child: ChildProcess,
    readonly port: number,
  ) {
    super(child);
  }

  static async start(env: Record<string, string>, cwd: string): Promise<ApiProcess> {
    const port = await freePort();
    const child = spawnNode(
      ['--enable-source-maps', MAIN],
      { HOST: '127.0.0.1', PORT: String(port), ...env },
      cwd,
    );
    return new ApiProcess(child, port);
  }

  /** Everything the process wrote so far, colours removed. */
  get log(): string {
    return this.interleaved.replace(ANSI, '');
  }

  get rawLog(): string {
    return this.interleaved;
  }

  waitForLog(pattern: RegExp, timeoutMs = BOOT_TIMEOUT_MS): Promise<RegExpExecArray> {
    return this.waitForText(() => this.log, pattern, timeoutMs, 'the output of pgmon');
  }

  async waitUntilListening(): Promise<void> {
    await this.waitForLog(/listening on http/);
  }

  /** SIGTERM, then SIGKILL if it does not exit within 5 s. */
  override stop(): Promise<Exit> {
    return super.stop(5000);
  }

  request(
    method: string,
    path: string,
    options: { body?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent | false } = {},
  ): Promise<HttpResult> & { sent: Promise<void> } {
    let markSent: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const result = new Promise<HttpResult>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { ...options.headers };
      if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
      const outgoing = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          headers,
          agent: options.agent ?? false,
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(options.body, markSent);
    });
    return Object.assign(result, { sent });
  }

  login(username: string, password: string, agent?: http.Agent): ReturnType<ApiProcess['request']> {
    return this.request('POST', '/token', {
      body: new URLSearchParams({ username, password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      ...(agent && { agent }),
    });
  }
}

function tokenOf(result: HttpResult): string {
  assert.equal(result.status, 200, result.body);
  return (JSON.parse(result.body) as { access_token: string }).access_token;
}

describe('API process (main.js)', { concurrency: true }, () => {
  describe('boot with an invalid configuration', { concurrency: 3 }, () => {
    const cwd = tempDir('pgmon-boot-cwd-');
    after(() => rmSync(cwd, { recursive: true, force: true }));

    const cases: [label: string, env: Record<string, string>, variable: string][] = [
      [
        "the seed's default SECRET_KEY",
        { SECRET_KEY: 'default-secret-for-local-testing' },
        'SECRET_KEY',
      ],
      ['a 10-character SECRET_KEY', { SECRET_KEY: '0123456789' }, 'SECRET_KEY'],
      ['a short ENCRYPTION_KEY', { ENCRYPTION_KEY: 'too-short-key' }, 'ENCRYPTION_KEY'],
      ['PORT=70000', { PORT: '70000' }, 'PORT'],
      ['LOG_LEVEL=LOUD', { LOG_LEVEL: 'LOUD' }, 'LOG_LEVEL'],
      ['DATABASE_URL=mysql://x', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ];

    for (const [label, env, variable] of cases) {
      it(`refuses to start with ${label}, naming ${variable}`, async () => {
        const dataDir = join(cwd, `data-${variable}-${randomBytes(3).toString('hex')}`);
        const api = await ApiProcess.start({ DATA_DIR: dataDir, ...env }, cwd);
        const exit = await api.exitWithin(BOOT_TIMEOUT_MS);
        if (!exit) await api.stop();
        assert.ok(exit, `pgmon is still running:\n${api.log}`);
        assert.notEqual(exit.code, 0, api.log);
        assert.ok(api.log.includes(variable), `the output names ${variable}:\n${api.log}`);
        assert.doesNotMatch(api.log, /\n\s+at /, 'no stack trace');
        assert.doesNotMatch(api.log, /listening on/);
      });
    }
  });

  // Sequential inside (the outer concurrency is inherited otherwise): each test builds on the last.
  describe('first boot on an empty DATA_DIR, then a restart', { concurrency: false }, () => {
    const cwd = tempDir('pgmon-boot-cwd-');
    const dataDir = join(cwd, 'data');
    const env = { DATA_DIR: dataDir };
    let first: ApiProcess;
    let second: ApiProcess | undefined;
    let generatedPassword = '';
    let tokenBeforeRestart = '';
    const keysBeforeRestart: Record<string, string> = {};

    before(async () => {
      first = await ApiProcess.start(env, cwd);
      await first.waitUntilListening();
    });

    after(async () => {
      await Promise.all([first?.stop(), second?.stop()]);
      rmSync(cwd, { recursive: true, force: true });
    });

    it('writes secret_key and encryption_key into DATA_DIR with mode 0600', () => {
      for (const name of ['secret_key', 'encryption_key']) {
        const file = join(dataDir, name);
        assert.equal(statSync(file).mode & 0o777, 0o600, `${name} mode`);
        const value = readFileSync(file, 'utf8').trim();
        assert.ok(value.length >= 43, `${name} holds a 32-byte key`);
        keysBeforeRestart[name] = readFileSync(file, 'utf8');
      }
      assert.notEqual(keysBeforeRestart.secret_key, keysBeforeRestart.encryption_key);
    });

    it('creates DATA_DIR with mode 0700 and the store files (pgmon.db, -wal, -shm) with mode 0600', () => {
      assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'DATA_DIR mode');
      for (const name of ['pgmon.db', 'pgmon.db-wal', 'pgmon.db-shm']) {
        assert.equal(statSync(join(dataDir, name)).mode & 0o777, 0o600, `${name} mode`);
      }
    });

    it('prints a generated admin password once, and that password logs in', async () => {
      const matches = [...first.log.matchAll(/generated password: (\S+)/g)];
      assert.equal(matches.length, 1, first.log);
      generatedPassword = matches[0]?.[1] ?? '';
      assert.ok(generatedPassword.length >= 12, 'a strong generated password');
      tokenBeforeRestart = tokenOf(await first.login('admin', generatedPassword));
    });

    it('writes plain log lines (no colour codes) when stdout is not a terminal', () => {
      const coloured = first.rawLog.split('\n').find((line) => line.includes('\u001b['));
      assert.equal(coloured, undefined, `ANSI colour codes in: ${JSON.stringify(coloured)}`);
    });

    describe('GET /api/health', () => {
      it('returns 200 with status, timestamp, pools_count, version, log_level and the store check', async () => {
        const response = await first.request('GET', '/api/health');
        assert.equal(response.status, 200, response.body);
        const body = JSON.parse(response.body) as Record<string, unknown>;
        assert.equal(body.status, 'ok');
        assert.equal(typeof body.timestamp, 'string');
        assert.ok(Math.abs(Date.parse(body.timestamp as string) - Date.now()) < 60_000);
        assert.equal(typeof body.pools_count, 'number');
        assert.equal(body.version, PACKAGE_VERSION);
        assert.equal(body.log_level, 'INFO');
        const store = (body.checks as Record<string, { status?: string; backend?: string }>).store;
        assert.equal(store?.status, 'up');
        assert.equal(store?.backend, 'sqlite');
      });
    });

    describe('GET /docs', () => {
      it('returns the Swagger UI as HTML', async () => {
        const response = await first.request('GET', '/docs');
        assert.equal(response.status, 200);
        assert.match(String(response.headers['content-type']), /text\/html/);
        assert.match(response.body, /swagger/i);
      });
    });

    describe('GET /openapi.json', () => {
      it('returns the OpenAPI document with /token among its paths', async () => {
        const response = await first.request('GET', '/openapi.json');
        assert.equal(response.status, 200);
        const document = JSON.parse(response.body) as { openapi?: string; paths?: object };
        assert.equal(typeof document.openapi, 'string');
        assert.ok(document.paths && '/token' in document.paths);
      });
    });

    it('keeps its keys, users and tokens across a restart and prints no new password', async () => {
      assert.ok(tokenBeforeRestart, 'the login test ran first');
      await first.stop();
      second = await ApiProcess.start(env, cwd);
      await second.waitUntilListening();
      for (const [name, value] of Object.entries(keysBeforeRestart)) {
        assert.equal(readFileSync(join(dataDir, name), 'utf8'), value, `${name} unchanged`);
        assert.equal(statSync(join(dataDir, name)).mode & 0o777, 0o600);
      }
      const me = await second.request('GET', '/users/me', {
        headers: { authorization: `Bearer ${tokenBeforeRestart}` },
      });
      assert.equal(me.status, 200, me.body);
      assert.doesNotMatch(second.log, /generated password/);
      assert.doesNotMatch(second.log, /Generated a new key/);
      tokenOf(await second.login('admin', generatedPassword));
    });

    it('finishes an in-flight request on SIGTERM, closes the store and exits with code 0', async () => {
      assert.ok(second?.running, 'the restart test ran first');
      const pending = second.login('admin', generatedPassword);
      await pending.sent;
      await sleep(50);
      const signalled = Date.now();
      second.signal('SIGTERM');
      const response = await pending;
      assert.equal(response.status, 200, response.body);
      const exit = await second.exitWithin(10_000);
      assert.ok(exit, `still running ${Date.now() - signalled} ms after SIGTERM`);
      assert.match(second.log, /Store closed/);
      assert.deepEqual(exit, { code: 0, signal: null }, 'a clean exit, not death by the signal');
    });
  });

  describe('first boot with ADMIN_PASSWORD', { concurrency: false }, () => {
    const cwd = tempDir('pgmon-boot-cwd-');
    const password = 'configured admin password';
    let api: ApiProcess;

    before(async () => {
      api = await ApiProcess.start(
        {
          DATA_DIR: join(cwd, 'data'),
          ADMIN_PASSWORD: password,
          SECRET_KEY: randomBytes(32).toString('base64url'),
          ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
        },
        cwd,
      );
      await api.waitUntilListening();
    });

    after(async () => {
      await api?.stop();
      rmSync(cwd, { recursive: true, force: true });
    });

    it('creates admin with that password and never prints it', async () => {
      assert.doesNotMatch(api.log, /generated password/);
      assert.equal(api.log.includes(password), false);
      tokenOf(await api.login('admin', password));
    });

    it('writes no key files when SECRET_KEY and ENCRYPTION_KEY are set', () => {
      for (const name of ['secret_key', 'encryption_key']) {
        assert.throws(() => statSync(join(cwd, 'data', name)), { code: 'ENOENT' });
      }
    });

    it('exits within a few seconds of SIGTERM although a keep-alive client keeps polling', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const pending = api.login('admin', password, agent);
        await pending.sent;
        await sleep(50);
        const signalled = Date.now();
        api.signal('SIGTERM');
        assert.equal((await pending).status, 200);
        // A UI refreshing every 250 ms on its kept-alive connection.
        while (api.running && Date.now() - signalled < 6000) {
          await api.request('GET', '/api/health', { agent }).catch(() => undefined);
          await sleep(250);
        }
        const exit = await api.exitWithin(100);
        assert.ok(exit, `still running ${Date.now() - signalled} ms after SIGTERM`);
      } finally {
        agent.destroy();
      }
    });
  });
});
