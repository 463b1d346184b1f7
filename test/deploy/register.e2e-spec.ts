/**
 * The Compose setup's registration step (`register` service): `pgmon servers apply --file` with
 * a file in the format of deploy/compose/targets.json (secrets as ${VAR} references), pointed
 * at the test clusters since the Compose host names do not resolve here.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { tempDir } from '../support/processes.js';
import { readTargets } from '../support/targets-info.js';
import {
  assertExit,
  composeTargets,
  readSqliteStore,
  repoFile,
  runCli,
  secret,
  targetVariables,
  type RunResult,
  type TargetEntry,
} from './helpers.js';

const targets = readTargets();
const { main, stats } = targets.pg;
const sshUser = targets.ssh.passwordUser;

describe('servers apply (the registration step)', { concurrency: true }, () => {
  const root = tempDir('pgmon-register-');
  const secretKey = secret(32);
  const encryptionKey = secret(32);
  const nameA = uniqueName('reg-a');
  const nameB = uniqueName('reg-b');
  const variables = targetVariables();
  const plaintexts = Object.values(variables).filter((value): value is string => !!value);
  let files = 0;

  after(() => rmSync(root, { recursive: true, force: true }));

  /** Like deploy/compose/targets.json: target A with SSH (as root), target B without. */
  function entries(): TargetEntry[] {
    return composeTargets(nameA, nameB);
  }

  function writeFile(list: TargetEntry[]): string {
    const path = join(root, `targets-${files++}.json`);
    writeFileSync(path, JSON.stringify(list, null, 2));
    return path;
  }

  function dataDir(): string {
    return join(root, `data-${files++}`);
  }

  async function cli(
    data: string,
    args: string[],
    env: Record<string, string | undefined> = variables,
  ): Promise<RunResult> {
    const result = await runCli(
      args,
      { DATA_DIR: data, SECRET_KEY: secretKey, ENCRYPTION_KEY: encryptionKey, ...env },
      root,
    );
    for (const plaintext of plaintexts) {
      assert.equal(`${result.stdout}${result.stderr}`.includes(plaintext), false, 'a secret');
    }
    return result;
  }

  it('uses a file in the format of deploy/compose/targets.json', () => {
    const compose = JSON.parse(repoFile('deploy/compose/targets.json')) as TargetEntry[];
    const fields = (list: TargetEntry[]) => [...new Set(list.flatMap(Object.keys))].sort();
    assert.deepEqual(
      fields(entries()).filter((field) => !fields(compose).includes(field)),
      [],
    );
    const references = (list: TargetEntry[]) =>
      list.flatMap((entry) => Object.values(entry).filter((v) => String(v).startsWith('${')));
    assert.ok(references(compose).length >= 2, 'the compose file uses ${VAR} references');
  });

  describe('on a new store, then again', { concurrency: false }, () => {
    const data = dataDir();
    let file: string;
    let sealedAfterFirstRun: (string | null)[] = [];

    before(() => {
      file = writeFile(entries());
    });

    it('registers every server of the file (exit 0)', async () => {
      const result = await cli(data, ['servers', 'apply', '--file', file]);
      assertExit(result, 0, 'servers apply');
      assert.equal(result.stdout.trim(), `registered server ${nameA}\nregistered server ${nameB}`);
      const listed = await cli(data, ['servers', 'list']);
      assertExit(listed, 0, 'servers list');
      assert.equal(
        listed.stdout.trim(),
        [`${nameA}\t127.0.0.1:${main.port}`, `${nameB}\t127.0.0.1:${stats.port}`].sort().join('\n'),
      );
    });

    it('stores the substituted passwords sealed, never in clear nor as ${VAR}', () => {
      const servers = readSqliteStore(data).servers;
      const sealed = servers.flatMap((server) => [server.pg_password, server.ssh_password]);
      sealedAfterFirstRun = sealed;
      const present = sealed.filter((value): value is string => value !== null);
      assert.equal(present.length, sshUser ? 3 : 2);
      for (const value of present) assert.match(value, /^v1\./);
      const dump = JSON.stringify(servers);
      for (const plaintext of plaintexts) assert.equal(dump.includes(plaintext), false);
      assert.equal(dump.includes('${'), false);
    });

    it('keeps the registered servers on a second run ("kept server", exit 0)', async () => {
      const result = await cli(data, ['servers', 'apply', '--file', file]);
      assertExit(result, 0, 'second servers apply');
      assert.equal(
        result.stdout.trim(),
        `kept server ${nameA} (already registered)\nkept server ${nameB} (already registered)`,
      );
      const servers = readSqliteStore(data).servers;
      assert.deepEqual(
        servers.flatMap((server) => [server.pg_password, server.ssh_password]),
        sealedAfterFirstRun,
        'nothing was rewritten',
      );
    });

    describe('the API on that store', () => {
      let api: TestApi;
      before(async () => {
        api = await startTestApi({
          DATA_DIR: data,
          SECRET_KEY: secretKey,
          ENCRYPTION_KEY: encryptionKey,
          COLLECTOR_ENABLED: 'false',
        });
      });
      after(async () => {
        await api?.close();
      });

      it('shows both servers with status ok (the passwords came from the variables)', async () => {
        const response = await api.http.get('/servers').set(bearer(await api.adminToken()));
        assert.equal(response.status, 200, response.text);
        const entries = response.body as { name: string; status: string; free_space: unknown }[];
        const byName = new Map(entries.map((entry) => [entry.name, entry]));
        assert.equal(byName.get(nameA)?.status, 'ok', JSON.stringify(byName.get(nameA)));
        assert.equal(byName.get(nameB)?.status, 'ok', JSON.stringify(byName.get(nameB)));
        if (sshUser) assert.equal(typeof byName.get(nameA)?.free_space, 'number');
      });
    });
  });

  it('exits 1 naming a variable that is not set, and registers nothing', async () => {
    const data = dataDir();
    const file = writeFile(entries());
    const result = await cli(data, ['servers', 'apply', '--file', file], {
      ...variables,
      TARGET_B_MONITOR_PASSWORD: undefined,
    });
    assertExit(result, 1, 'servers apply without TARGET_B_MONITOR_PASSWORD');
    assert.equal(
      result.stderr.trim(),
      `Error: ${file}: entry 1.password: the environment variable TARGET_B_MONITOR_PASSWORD is not set`,
    );
    assert.deepEqual(readSqliteStore(data).servers, []);
  });

  it('exits 1 on an invalid entry, names it, and registers nothing (not even the valid one)', async () => {
    const data = dataDir();
    const list = entries();
    const second = list[1];
    assert.ok(second);
    second.port = 70000;
    const result = await cli(data, ['servers', 'apply', '--file', writeFile(list)]);
    assertExit(result, 1, 'servers apply with port 70000');
    assert.equal(
      result.stderr.trim(),
      `error: server ${nameB}: port must be between 1 and 65535\nNothing was registered.`,
    );
    assert.deepEqual(readSqliteStore(data).servers, []);
  });

  it('exits 1 on a name listed twice in the file, and registers nothing', async () => {
    const data = dataDir();
    const [first] = entries();
    assert.ok(first);
    const list = [first, { ...first, host: '192.0.2.9' }];
    const result = await cli(data, ['servers', 'apply', '--file', writeFile(list)]);
    assertExit(result, 1, 'servers apply with a duplicate name');
    assert.match(`${result.stdout}${result.stderr}`, new RegExp(nameA));
    assert.deepEqual(
      readSqliteStore(data).servers.map((server) => server.name),
      [],
      'a file that is refused registers nothing',
    );
  });

  it('exits 1 for a file that does not exist, and 2 without --file', async () => {
    const data = dataDir();
    const missing = join(root, 'absent.json');
    const result = await cli(data, ['servers', 'apply', '--file', missing]);
    assertExit(result, 1, 'servers apply on a missing file');
    assert.equal(result.stderr.trim(), `Error: ${missing}: no such file`);
    const usage = await cli(data, ['servers', 'apply']);
    assertExit(usage, 2, 'servers apply without --file');
    assert.match(usage.stderr, /pgmon servers apply --file <servers\.json>/);
  });
});
