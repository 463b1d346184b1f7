/** LOG_FORMAT=json: the API process writes one JSON object per line, with request ids. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../support/names.js';
import { tempDir, type NodeProcess } from '../support/processes.js';
import { readTargets } from '../support/targets-info.js';
import { secret, spawnApi } from './helpers.js';

const { main } = readTargets().pg;

interface LogRecord {
  level: string;
  time: string;
  context: string;
  message: unknown;
  requestId?: string;
  [key: string]: unknown;
}

const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('LOG_FORMAT=json', () => {
  const cwd = tempDir('pgmon-json-logs-');
  const env = {
    LOG_FORMAT: 'json',
    DATA_DIR: join(cwd, 'data'),
    SECRET_KEY: secret(32),
    ENCRYPTION_KEY: secret(32),
    ADMIN_PASSWORD: secret(12),
    COLLECTOR_ENABLED: 'false',
  };
  const ids = {
    login: `login-${randomBytes(6).toString('hex')}`,
    me: `me-${randomBytes(6).toString('hex')}`,
    create: `create-${randomBytes(6).toString('hex')}`,
    query: `query-${randomBytes(6).toString('hex')}`,
  };
  const leakedInQuery = `query-secret-${randomBytes(6).toString('hex')}`;
  const wrongPassword = `tried-password-${randomBytes(6).toString('hex')}`;
  let api: NodeProcess;
  let token = '';
  let invalidIdAnswer = '';
  const records: LogRecord[] = [];
  let stdoutLines: string[] = [];
  let stderrLines: string[] = [];

  before(async () => {
    const started = await spawnApi(env, cwd);
    api = started.api;
    const { url } = started;
    const form = new URLSearchParams({ username: 'admin', password: env.ADMIN_PASSWORD });
    const loggedIn = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': ids.login },
      body: form.toString(),
    });
    assert.equal(loggedIn.status, 200);
    assert.equal(loggedIn.headers.get('x-request-id'), ids.login);
    token = ((await loggedIn.json()) as { access_token: string }).access_token;
    const headers = (id: string) => ({ authorization: `Bearer ${token}`, 'x-request-id': id });
    assert.equal((await fetch(`${url}/users/me`, { headers: headers(ids.me) })).status, 200);
    const created = await fetch(`${url}/servers`, {
      method: 'POST',
      headers: { ...headers(ids.create), 'content-type': 'application/json' },
      body: JSON.stringify({
        name: uniqueName('json-log'),
        host: '127.0.0.1',
        port: main.port,
        user: main.monitorUser,
        password: main.monitorPassword,
      }),
    });
    assert.equal(created.status, 201, await created.text());
    await fetch(`${url}/servers?password=${leakedInQuery}`, { headers: headers(ids.query) });
    const invalid = await fetch(`${url}/users/me`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'not a valid id' },
    });
    invalidIdAnswer = invalid.headers.get('x-request-id') ?? '';
    // A failed login: no line may carry the password that was tried either.
    const failed = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: wrongPassword }).toString(),
    });
    assert.equal(failed.status, 401);
    await api.stop();
    stdoutLines = api.stdout.split('\n').filter((line) => line.trim() !== '');
    stderrLines = api.stderr.split('\n').filter((line) => line.trim() !== '');
    for (const line of stdoutLines) {
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch {
        // Reported by the test below.
      }
    }
  });

  after(async () => {
    await api?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('writes only JSON objects, one per line, on stdout', () => {
    assert.ok(stdoutLines.length >= 8, api.output);
    for (const line of stdoutLines) {
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(line)), `not JSON: ${line}`);
      assert.ok(parsed && typeof parsed === 'object' && !Array.isArray(parsed), line);
    }
    assert.equal(records.length, stdoutLines.length);
  });

  it('gives every line a level, an ISO time, a context and a message', () => {
    for (const record of records) {
      const line = JSON.stringify(record);
      assert.ok(LEVELS.includes(record.level), `level: ${line}`);
      assert.equal(typeof record.time, 'string', line);
      assert.equal(new Date(record.time).toISOString(), record.time, `ISO time: ${line}`);
      assert.ok(Math.abs(Date.parse(record.time) - Date.now()) < 5 * 60_000, line);
      assert.equal(typeof record.context, 'string', line);
      assert.ok(record.context.length > 0, line);
      assert.equal(typeof record.message, 'string', line);
    }
    assert.ok(
      records.some((r) => r.context === 'Api' && /listening on http/.test(String(r.message))),
    );
  });

  it('writes nothing but JSON on stderr either', () => {
    for (const line of stderrLines) assert.doesNotThrow(() => JSON.parse(line), line);
  });

  it('puts the X-Request-Id on the access-log line of that request', () => {
    const accessLine = (id: string) => {
      const found = records.filter((r) => r.context === 'HTTP' && r.requestId === id);
      assert.equal(found.length, 1, `one access-log line with requestId ${id}`);
      return String(found[0]?.message);
    };
    assert.match(accessLine(ids.login), /^POST \/token 200 /);
    assert.match(accessLine(ids.me), /^GET \/users\/me 200 .* user=admin /);
    assert.match(accessLine(ids.create), /^POST \/servers 201 /);
    assert.match(accessLine(ids.query), /^GET \/servers\?password=/);
  });

  it('replaces an X-Request-Id that is not a plain token with a generated one', () => {
    assert.match(invalidIdAnswer, UUID);
    assert.equal(
      records.some((r) => r.requestId === 'not a valid id'),
      false,
    );
    assert.ok(records.some((r) => r.requestId === invalidIdAnswer));
  });

  it('adds no requestId to lines written outside a request', () => {
    const startup = records.find((r) => /listening on http/.test(String(r.message)));
    assert.ok(startup);
    assert.equal(startup.requestId, undefined);
  });

  it('writes no password, key or token in any line', () => {
    const output = api.output;
    for (const [what, value] of Object.entries({
      ADMIN_PASSWORD: env.ADMIN_PASSWORD,
      SECRET_KEY: env.SECRET_KEY,
      ENCRYPTION_KEY: env.ENCRYPTION_KEY,
      'the access token': token,
      'the monitored server password': main.monitorPassword,
      'a password in the query string': leakedInQuery,
      'a password tried at login': wrongPassword,
    })) {
      assert.equal(output.includes(value), false, `${what} is in the log`);
    }
  });
});
