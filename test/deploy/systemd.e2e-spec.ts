/** deploy/systemd/*.service: the units that run the API and the collector on a host. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { envSchema } from '#config';
import { tempDir } from '../support/processes.js';
import { ROOT, assertExit, repoFile, run } from './helpers.js';

type Unit = Map<string, Map<string, string[]>>;

/** An INI-like unit file: sections of `Key=value` lines (a key may repeat), comments dropped. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1] ?? '', section);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    assert.ok(section && pair, `line ${index + 1} is neither a section nor Key=value: ${line}`);
    const values = section.get(pair[1] ?? '') ?? [];
    values.push(pair[2] ?? '');
    section.set(pair[1] ?? '', values);
  }
  return unit;
}

function value(unit: Unit, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

const UNITS: Record<string, string> = {
  'pgmon.service': 'dist/apps/api/src/main.js',
  'pgmon-collector.service': 'dist/apps/collector/src/main.js',
};

const systemdAnalyze =
  spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;

describe('systemd units', () => {
  it('are exactly the API and the collector', () => {
    assert.deepEqual(readdirSync(join(ROOT, 'deploy/systemd')).sort(), Object.keys(UNITS).sort());
  });

  for (const [file, entry] of Object.entries(UNITS)) {
    describe(file, () => {
      const unit = parseUnit(repoFile(`deploy/systemd/${file}`));

      it('has [Unit], [Service] and [Install] sections', () => {
        assert.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install']);
        assert.ok(value(unit, 'Unit', 'Description'));
        assert.equal(value(unit, 'Install', 'WantedBy'), 'multi-user.target');
      });

      it(`runs ${entry} with node from its WorkingDirectory`, () => {
        const exec = (value(unit, 'Service', 'ExecStart') ?? '').split(' ');
        assert.match(exec[0] ?? '', /^\/.*\/node$/, 'an absolute path to node');
        assert.equal(exec.at(-1), entry);
        assert.ok(value(unit, 'Service', 'WorkingDirectory')?.startsWith('/'));
        assert.ok(existsSync(join(ROOT, entry)), `${entry} is what the build produces`);
      });

      it('runs as a user that is not root, stopped with SIGTERM', () => {
        const user = value(unit, 'Service', 'User');
        assert.ok(user && !['root', '0'].includes(user), `User=${String(user)}`);
        assert.equal(value(unit, 'Service', 'KillSignal'), 'SIGTERM');
        assert.ok(Number(value(unit, 'Service', 'TimeoutStopSec')) >= 15);
        assert.equal(value(unit, 'Service', 'Restart'), 'on-failure');
      });

      it('sets only variables pgmon reads, and can write DATA_DIR under ProtectSystem=strict', () => {
        const environment = new Map(
          (unit.get('Service')?.get('Environment') ?? []).map((assignment) => {
            const [name = '', ...rest] = assignment.split('=');
            return [name, rest.join('=')] as const;
          }),
        );
        for (const name of environment.keys()) {
          assert.ok(name === 'NODE_ENV' || name in envSchema.shape, name);
        }
        const dataDir = environment.get('DATA_DIR');
        assert.ok(dataDir, 'DATA_DIR is set');
        assert.equal(value(unit, 'Service', 'ProtectSystem'), 'strict');
        assert.ok(value(unit, 'Service', 'ReadWritePaths')?.split(' ').includes(dataDir));
        assert.equal(`/var/lib/${value(unit, 'Service', 'StateDirectory') ?? ''}`, dataDir);
        assert.match(value(unit, 'Service', 'EnvironmentFile') ?? '', /^-\/etc\/pgmon\//);
      });
    });
  }

  describe('systemd-analyze verify', () => {
    const dir = tempDir('pgmon-systemd-');
    after(() => rmSync(dir, { recursive: true, force: true }));
    const skip = systemdAnalyze ? false : 'systemd-analyze is not installed here';

    it('accepts both units', { skip }, async () => {
      for (const file of Object.keys(UNITS)) {
        const result = await run(
          'systemd-analyze',
          ['verify', join(ROOT, 'deploy/systemd', file)],
          {
            cwd: dir,
            env: {},
          },
        );
        assertExit(result, 0, `systemd-analyze verify ${file}`);
        assert.equal(result.stderr.trim(), '', `no warning for ${file}`);
      }
    });

    it('refuses a broken unit (so a pass above means something)', { skip }, async () => {
      const broken = join(dir, 'broken.service');
      writeFileSync(
        broken,
        '[Unit]\nDescription=x\n[Service]\nExecStart=no-such-node main.js\n[Install]\nWantedBy=multi-user.target\n',
      );
      const result = await run('systemd-analyze', ['verify', broken], { cwd: dir, env: {} });
      assert.notEqual(result.code, 0, result.stderr);
    });
  });
});
