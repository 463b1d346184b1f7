import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usageFromStatvfs } from './disk-usage.js';
import { SshError } from './ssh-errors.js';

const reply = { f_bsize: 4096, f_frsize: 1024, f_blocks: 1000, f_bfree: 600, f_bavail: 500 };

describe('usageFromStatvfs', () => {
  it('returns blocks, bfree and bavail times the fragment size', () => {
    assert.deepEqual(usageFromStatvfs('/data', reply), {
      path: '/data',
      totalBytes: 1_024_000,
      freeBytes: 614_400,
      availableBytes: 512_000,
      method: 'statvfs',
    });
  });

  it('returns sizes in f_bsize units when f_frsize is 0', () => {
    assert.equal(usageFromStatvfs('/d', { ...reply, f_frsize: 0 }).totalBytes, 4_096_000);
  });

  it('returns sizes from bigint fields', () => {
    const big = { ...reply, f_blocks: 1000n, f_bfree: 600n, f_bavail: 500n };
    assert.equal(usageFromStatvfs('/d', big).availableBytes, 512_000);
  });

  const broken: Record<string, unknown> = {
    'no reply': undefined,
    'a missing field': { ...reply, f_bavail: undefined },
    'a negative field': { ...reply, f_bfree: -1 },
    'available above free': { ...reply, f_bavail: 700 },
    'sizes beyond 2^53': { ...reply, f_blocks: 2 ** 52, f_frsize: 4096 },
  };
  for (const [what, value] of Object.entries(broken)) {
    it(`throws protocol_error on ${what}`, () => {
      assert.throws(
        () => usageFromStatvfs('/d', value),
        (error: unknown) => error instanceof SshError && error.code === 'protocol_error',
      );
    });
  }
});
