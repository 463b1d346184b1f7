import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionBroken } from './broken-connection.js';

function withCode(code: unknown): Error {
  return Object.assign(new Error('x'), { code });
}

describe('isConnectionBroken', () => {
  for (const [what, error] of [
    ['an Error without a code', new Error('Connection terminated unexpectedly')],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'boom'],
    ['ECONNRESET', withCode('ECONNRESET')],
    ['EPIPE', withCode('EPIPE')],
    ['a numeric code', withCode(57)],
    ['a lower-case five-character code', withCode('abcde')],
    ['SQLSTATE 08006 (connection failure)', withCode('08006')],
    ['SQLSTATE 08P01 (protocol violation)', withCode('08P01')],
    ['SQLSTATE 57P01 (admin shutdown)', withCode('57P01')],
    ['SQLSTATE 57P02 (crash shutdown)', withCode('57P02')],
    ['SQLSTATE 57P03 (cannot connect now)', withCode('57P03')],
    ['SQLSTATE 53300 (too many connections)', withCode('53300')],
  ] as [string, unknown][]) {
    it(`returns true for ${what}`, () => {
      assert.equal(isConnectionBroken(error), true);
    });
  }

  for (const [what, code] of [
    ['42601 (syntax error)', '42601'],
    ['42501 (insufficient privilege)', '42501'],
    ['57014 (statement timeout: the connection stays usable)', '57014'],
    ['22012 (division by zero)', '22012'],
    ['40001 (serialization failure)', '40001'],
    ['XX000 (internal error)', 'XX000'],
  ]) {
    it(`returns false for SQLSTATE ${what}`, () => {
      assert.equal(isConnectionBroken(withCode(code)), false);
    });
  }
});
