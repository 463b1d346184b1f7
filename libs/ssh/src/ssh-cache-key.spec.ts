import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sshCacheKey } from './ssh-cache-key.js';

describe('sshCacheKey', () => {
  it('returns one key per server and generation', () => {
    assert.equal(sshCacheKey(7, 3), 'ssh:disk:7:3');
    assert.notEqual(sshCacheKey(7, 3), sshCacheKey(7, 4));
    assert.notEqual(sshCacheKey(1, 23), sshCacheKey(12, 3));
  });

  for (const [serverId, generation] of [
    [-1, 0],
    [1.5, 0],
    [Number.NaN, 0],
    [1, -1],
    [1, Number.POSITIVE_INFINITY],
  ]) {
    it(`throws for server ${serverId}, generation ${generation}`, () => {
      assert.throws(() => sshCacheKey(serverId ?? 0, generation ?? 0), RangeError);
    });
  }
});
