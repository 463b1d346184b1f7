import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverStatusKey } from './cache-keys.js';

describe('serverStatusKey', () => {
  it('returns one key per server id and config generation', () => {
    const keys = new Set<string>();
    for (const id of [1, 2, 12, 123]) {
      for (const generation of [1, 2, 3, 23]) keys.add(serverStatusKey(id, generation));
    }
    assert.equal(keys.size, 16);
  });

  it('returns keys that do not collide when digits move between id and generation', () => {
    assert.notEqual(serverStatusKey(1, 23), serverStatusKey(12, 3));
    assert.notEqual(serverStatusKey(11, 1), serverStatusKey(1, 11));
  });

  it('returns the same key for the same server and generation', () => {
    assert.equal(serverStatusKey(7, 4), serverStatusKey(7, 4));
  });
});
