import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loggable, MAX_RESPONSE_CHARS } from './send-outcome.js';

describe(loggable.name, () => {
  it('returns the text on one line, cut to the log’s length', () => {
    assert.equal(loggable('  a\n  b\tc  ', []), 'a b c');
    assert.equal(loggable('x'.repeat(2000), []).length, MAX_RESPONSE_CHARS);
  });

  it('returns every secret replaced, and ignores empty or tiny ones', () => {
    assert.equal(
      loggable('no route /services/T0/B0/SECRET (/services/T0/B0/SECRET)', [
        '/services/T0/B0/SECRET',
        null,
        '',
      ]),
      'no route [REDACTED] ([REDACTED])',
    );
    assert.equal(loggable('a/b', ['/']), 'a/b');
  });
});
