import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DF_OUTPUT_LIMIT_BYTES, dfCommand, dfFailure, parseDfOutput, quoteShellArg } from './df.js';
import { SshError } from './ssh-errors.js';

const HEADER = 'Filesystem         1-blocks        Used   Available Capacity Mounted on';

/** Runs a command line with the local POSIX shell, as sshd would with the login shell. */
function sh(command: string) {
  const result = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function refusedAs(code: SshError['code']) {
  return (error: unknown) => error instanceof SshError && error.code === code;
}

describe('parseDfOutput', () => {
  it('returns total, free (total - used) and available bytes of a GNU df row', () => {
    const output = `${HEADER}\n/dev/vda       270553174016 23570149376 85374144512      22% /\n`;
    assert.deepEqual(parseDfOutput('/var/lib/pg', output), {
      path: '/var/lib/pg',
      totalBytes: 270553174016,
      freeBytes: 270553174016 - 23570149376,
      availableBytes: 85374144512,
      method: 'df',
    });
  });

  it('returns the sizes when the filesystem and mount point contain spaces', () => {
    const output = `${HEADER}\nmy fs 1000 400 500 45% /mnt/with space\n`;
    const usage = parseDfOutput('/mnt/with space/x', output);
    assert.deepEqual([usage.totalBytes, usage.freeBytes, usage.availableBytes], [1000, 600, 500]);
  });

  const malformed: Record<string, string> = {
    'empty output': '',
    'only the header': `${HEADER}\n`,
    'two rows': `${HEADER}\n/dev/a 10 1 9 10% /\n/dev/b 10 1 9 10% /b\n`,
    'a wrong header (df without -B1)':
      'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/a 10 1 9 10% /\n',
    'a missing column': `${HEADER}\n/dev/a 10 1 10% /\n`,
    'a negative size': `${HEADER}\n/dev/a 10 -1 9 10% /\n`,
    'a relative mount point': `${HEADER}\n/dev/a 10 1 9 10% mnt\n`,
    'used above total': `${HEADER}\n/dev/a 10 11 9 10% /\n`,
    'shell noise before the header': `Welcome!\n${HEADER}\n/dev/a 10 1 9 10% /\n`,
  };
  for (const [what, output] of Object.entries(malformed)) {
    it(`throws command_failed on ${what}`, () => {
      assert.throws(() => parseDfOutput('/x', output), refusedAs('command_failed'));
    });
  }

  it('throws on sizes beyond 2^53 instead of returning rounded numbers', () => {
    const huge = '99999999999999999999';
    const output = `${HEADER}\n/dev/a ${huge} 1 9 10% /\n`;
    assert.throws(() => parseDfOutput('/x', output), /a size is out of range/);
  });

  it('throws on huge output (a megabyte of rows)', () => {
    const output = `${HEADER}\n${'/dev/a 10 1 9 10% /\n'.repeat(50_000)}`;
    assert.ok(output.length > DF_OUTPUT_LIMIT_BYTES);
    assert.throws(() => parseDfOutput('/x', output), refusedAs('command_failed'));
  });
});

describe('quoteShellArg', () => {
  const pwned = join(tmpdir(), `pgmon-pwned-${randomBytes(6).toString('hex')}`);
  // A payload that would delete something, aimed at a canary instead of `/`: should quoting
  // ever regress, this test fails without harming the machine.
  const canary = mkdtempSync(join(tmpdir(), 'pgmon-canary-'));
  after(() => {
    rmSync(pwned, { force: true });
    rmSync(canary, { recursive: true, force: true });
  });

  const hostile = [
    `'; touch ${pwned} #`,
    `'; rm -rf ${canary} #`,
    `$(touch ${pwned})`,
    `\`touch ${pwned}\``,
    `x' && touch ${pwned} && echo '`,
    `"; touch ${pwned}; "`,
    `\\'; touch ${pwned}; '`,
    `-rf`,
    `*`,
    `a b\tc`,
    `''''`,
  ];
  for (const text of hostile) {
    it(`returns one literal word for ${JSON.stringify(text)}`, () => {
      const echoed = sh(`printf '%s' ${quoteShellArg(text)}`);
      assert.equal(echoed.code, 0);
      assert.equal(echoed.stdout, text);
      assert.equal(existsSync(pwned), false, 'the path was executed');
      assert.equal(existsSync(canary), true, 'the path was executed');
    });
  }

  it('returns quote-escaped text', () => {
    assert.equal(quoteShellArg(`it's`), `'it'\\''s'`);
    assert.equal(quoteShellArg(`'; rm -rf / #`), `''\\''; rm -rf / #'`);
  });

  for (const text of ['/tmp/a\nreboot', '/tmp/a\rb', '/tmp/a\0b']) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => quoteShellArg(text),
        (error: unknown) => error instanceof SshError && error.reason === 'unsafe path',
      );
    });
  }
});

describe('dfCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgmon-df-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('returns a command whose output parses to the sizes statfs reports', () => {
    const run = sh(dfCommand(dir));
    assert.equal(run.code, 0, run.stderr);
    const usage = parseDfOutput(dir, run.stdout);
    const stats = statfsSync(dir);
    assert.equal(usage.totalBytes, stats.blocks * stats.bsize);
    assert.ok(
      Math.abs(usage.availableBytes - stats.bavail * stats.bsize) < 0.01 * usage.totalBytes,
    );
  });

  it('returns a command that fails with path_not_found for a hostile path, unexecuted', () => {
    const marker = join(dir, `pwned-${randomBytes(4).toString('hex')}`);
    const run = sh(dfCommand(`${dir}/x'; touch ${marker}; '`));
    assert.notEqual(run.code, 0);
    assert.equal(existsSync(marker), false, 'the path was executed');
    assert.equal(dfFailure(run.code, run.stderr).code, 'path_not_found');
  });

  it('returns a command that treats a leading dash as a path, not an option', () => {
    const run = sh(dfCommand('--version'));
    assert.notEqual(run.code, 0);
    assert.equal(dfFailure(run.code, run.stderr).code, 'path_not_found');
  });
});

describe('dfFailure', () => {
  const chdirNoise = 'Could not chdir to home directory /nonexistent: No such file or directory';

  it('returns path_not_found only for the "No such file or directory" of df itself', () => {
    const missing = dfFailure(1, `${chdirNoise}\ndf: /srv/pg/x: No such file or directory\n`);
    assert.equal(missing.code, 'path_not_found');
    const other = dfFailure(1, `${chdirNoise}\ndf: /srv/pg/x: Input/output error\n`);
    assert.equal(other.code, 'command_failed');
  });

  it('returns command_failed "permission denied" for an unsearchable directory', () => {
    const error = dfFailure(1, "df: '/srv/pg/data/x': Permission denied\n");
    assert.deepEqual([error.code, error.reason], ['command_failed', 'permission denied']);
  });

  it('returns command_failed with the exit status but not the remote text', () => {
    const error = dfFailure(2, 'df: secret remote text');
    assert.equal(error.code, 'command_failed');
    assert.equal(error.message, 'SSH command failed: df exited with 2');
  });
});
