import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statementsHint, unavailableFor } from './statements-availability.js';

const TARGET = { database: 'appdb', user: 'monitor' };

function pgError(code: string): Error {
  return Object.assign(new Error('raw server text'), { code });
}

describe(unavailableFor.name, () => {
  for (const [code, expected] of [
    ['42P01', 'missing'],
    ['42883', 'missing'],
    ['3F000', 'missing'],
    ['55000', 'not_loaded'],
    ['42501', 'not_readable'],
  ] as const) {
    it(`returns ${expected} for SQLSTATE ${code}`, () => {
      const unavailable = unavailableFor(pgError(code), TARGET);
      assert.equal(unavailable?.code, expected);
      assert.doesNotMatch(unavailable?.reason ?? '', /raw server text/);
    });
  }

  it('returns null for failures that are not about the extension', () => {
    assert.equal(unavailableFor(pgError('57014'), TARGET), null);
    assert.equal(unavailableFor(new Error('ECONNREFUSED'), TARGET), null);
    assert.equal(unavailableFor(undefined, TARGET), null);
  });

  it('names the database the extension is missing in', () => {
    assert.match(unavailableFor(pgError('42P01'), TARGET)?.reason ?? '', /"appdb"/);
  });
});

describe(statementsHint.name, () => {
  it('returns the contract hint for a missing or unloaded extension', () => {
    assert.equal(
      statementsHint('missing', TARGET),
      "CREATE EXTENSION pg_stat_statements in appdb; shared_preload_libraries = 'pg_stat_statements'",
    );
  });

  it('returns the grant first when the role may not read it', () => {
    assert.match(
      statementsHint('not_readable', TARGET),
      /^GRANT pg_monitor TO monitor; CREATE EXTENSION/,
    );
  });
});
