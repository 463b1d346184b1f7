import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLES } from '#auth';
import { serversListKey, serverStatusKey } from './cache-keys.js';

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

describe('serversListKey', () => {
  it('returns one key per role', () => {
    const keys = ROLES.map((role) => serversListKey(role));
    assert.equal(new Set(keys).size, ROLES.length);
  });

  it('returns keys that no server status key can equal', () => {
    for (const role of ROLES) {
      for (const id of [0, 1, 2]) {
        assert.notEqual(serversListKey(role), serverStatusKey(id, 1));
        assert.ok(!serverStatusKey(id, 1).startsWith(serversListKey(role)));
      }
    }
  });
});
