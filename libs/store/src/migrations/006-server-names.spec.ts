import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renames } from './006-server-names.js';

describe('renames', () => {
  it('returns no rename when every name is valid and unique ignoring case', () => {
    assert.deepEqual(
      renames([
        { id: 1, name: 'db' },
        { id: 2, name: 'db-2' },
        { id: 3, name: 'Prod.main_1' },
      ]),
      [],
    );
  });

  it('returns the later case duplicates renamed with a free suffix, the oldest keeping its name', () => {
    assert.deepEqual(
      renames([
        { id: 1, name: 'Prod' },
        { id: 2, name: 'prod-2' },
        { id: 3, name: 'PROD' },
        { id: 4, name: 'prod' },
      ]),
      [
        { id: 3, from: 'PROD', to: 'PROD-3' },
        { id: 4, from: 'prod', to: 'prod-4' },
      ],
    );
  });

  it('returns names without their leading ".", "_" or "-", and "server" when nothing is left', () => {
    assert.deepEqual(
      renames([
        { id: 1, name: '.' },
        { id: 2, name: '..' },
        { id: 3, name: '-db' },
        { id: 4, name: 'db' },
        { id: 5, name: '_x.y' },
      ]),
      [
        { id: 1, from: '.', to: 'server' },
        { id: 2, from: '..', to: 'server-2' },
        { id: 3, from: '-db', to: 'db-2' },
        { id: 5, from: '_x.y', to: 'x.y' },
      ],
    );
  });

  it('returns names of at most 63 characters, the suffix included', () => {
    const long = 'a'.repeat(63);
    const [change] = renames([
      { id: 1, name: long },
      { id: 2, name: long.toUpperCase() },
    ]);
    assert.equal(change?.to, `${'A'.repeat(61)}-2`);
  });
});
