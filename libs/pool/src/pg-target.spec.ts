import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolInstanceKey, poolKey, type PgTarget } from './pg-target.js';

const SECRET = 'pool-key-secret-password';

function target(overrides: Partial<PgTarget> = {}): PgTarget {
  return {
    serverId: 4,
    serverName: 'db1',
    generation: 2,
    host: '10.0.0.5',
    port: 5433,
    user: 'monitor',
    database: 'postgres',
    password: () => SECRET,
    sslMode: 'disable',
    profile: 'default',
    ...overrides,
  };
}

describe('poolKey', () => {
  it('returns the seed key host:port:user:database', () => {
    assert.equal(poolKey(target()), '10.0.0.5:5433:monitor:postgres');
  });

  it('returns a key without the password', () => {
    assert.ok(!poolKey(target()).includes(SECRET));
  });

  it('returns different keys for different databases, users, ports and hosts', () => {
    const keys = [
      target(),
      target({ database: 'stats' }),
      target({ user: 'other' }),
      target({ port: 5432 }),
      target({ host: 'db.example.com' }),
    ].map(poolKey);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('returns the same key for two servers with the same connection settings', () => {
    assert.equal(poolKey(target({ serverId: 1 })), poolKey(target({ serverId: 2 })));
  });
});

describe('poolInstanceKey', () => {
  it('returns distinct keys per server and per config generation', () => {
    const keys = [
      target(),
      target({ generation: 3 }),
      target({ serverId: 5 }),
      target({ serverId: 42, generation: 2 }),
    ].map(poolInstanceKey);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('returns a key that ends with the seed key and holds no password', () => {
    const key = poolInstanceKey(target());
    assert.ok(key.endsWith(poolKey(target())));
    assert.ok(!key.includes(SECRET));
  });
});
