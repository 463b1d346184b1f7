import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { interpolate, readServersFile } from './servers-file.js';

/** deploy/compose/targets.json of the repository (this file runs from dist/apps/cli/src/...). */
const COMPOSE_TARGETS = fileURLToPath(
  new URL('../../../../../deploy/compose/targets.json', import.meta.url),
);

describe('readServersFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgmon-servers-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  describe('interpolate', () => {
    const env = { PASS: 's3cret', EMPTY: '', NESTED: '${PASS}' };

    it('replaces ${NAME} references, several in one value', () => {
      assert.equal(interpolate('${PASS}', env, 'x'), 's3cret');
      assert.equal(interpolate('a-${PASS}-b-${PASS}', env, 'x'), 'a-s3cret-b-s3cret');
    });

    it('uses the ${NAME:-default} fallback when the variable is unset or empty', () => {
      assert.equal(interpolate('${MISSING:-22}', env, 'x'), '22');
      assert.equal(interpolate('${EMPTY:-fallback}', env, 'x'), 'fallback');
      assert.equal(interpolate('${PASS:-fallback}', env, 'x'), 's3cret');
      assert.equal(interpolate('${MISSING:-}', env, 'x'), '');
    });

    it('fails naming the variable and where it is referenced when it is unset or empty', () => {
      assert.throws(() => interpolate('${MISSING}', env, 'f: entry 0.password'), {
        message: 'f: entry 0.password: the environment variable MISSING is not set',
      });
      assert.throws(() => interpolate('${EMPTY}', env, 'w'), /EMPTY is not set/);
    });

    it('does not expand references inside a substituted value, nor $NAME without braces', () => {
      assert.equal(interpolate('${NESTED}', env, 'x'), '${PASS}');
      assert.equal(interpolate('$PASS and $$', env, 'x'), '$PASS and $$');
    });
  });

  it('reads deploy/compose/targets.json, substituting the passwords from the environment', () => {
    const entries = readServersFile(COMPOSE_TARGETS, {
      TARGET_MONITOR_PASSWORD: 'monitor-pw',
      TARGET_SSH_PASSWORD: 'ssh-pw',
    });
    assert.deepEqual(
      entries.map((entry) => [entry.name, entry.host, entry.port, entry.password]),
      [
        ['target-a', 'target-a', 5432, 'monitor-pw'],
        ['target-b', 'target-b', 5432, 'monitor-pw'],
      ],
    );
    assert.equal(entries[0]?.ssh_password, 'ssh-pw');
    assert.equal(entries[1]?.ssh_password, undefined);
  });

  it('names the entry, the field and the variable when a reference is not set', () => {
    const path = file('missing-var.json', JSON.stringify([{ name: 'a' }, { password: '${NOPE}' }]));
    assert.throws(() => readServersFile(path, {}), {
      message: `${path}: entry 1.password: the environment variable NOPE is not set`,
    });
  });

  it('keeps numbers, booleans and null as they are', () => {
    const path = file('types.json', JSON.stringify([{ port: 5432, ssh_user: null, x: true }]));
    assert.deepEqual(readServersFile(path, {}), [{ port: 5432, ssh_user: null, x: true }]);
  });

  it('says "no such file" for a missing file and keeps the cause', () => {
    const path = join(dir, 'absent.json');
    assert.throws(
      () => readServersFile(path, {}),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, `${path}: no such file`);
        assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
        return true;
      },
    );
  });

  it('says "not valid JSON" for a file that does not parse', () => {
    const path = file('broken.json', '[{"name": ');
    assert.throws(() => readServersFile(path, {}), { message: `${path}: not valid JSON` });
  });

  it('wants a list of objects', () => {
    for (const content of ['{"name": "a"}', '[1, 2]', '[["a"]]', '[null]', '"text"']) {
      const path = file('shape.json', content);
      assert.throws(() => readServersFile(path, {}), {
        message: `${path}: expected a JSON list of server objects`,
      });
    }
  });
});
