import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import { parseServerOverrides } from './server-overrides.js';

const SERVERS = new Map([
  ['pg1', 1],
  ['reports', 2],
]);

function issues(input: Record<string, unknown>): string[] {
  try {
    parseServerOverrides(input, SERVERS);
  } catch (error) {
    assert.ok(error instanceof UnprocessableEntityException);
    const body = error.getResponse() as { detail: { loc: string[] }[] };
    return body.detail.map((issue) => issue.loc.join('.'));
  }
  return assert.fail('expected a 422');
}

describe(parseServerOverrides.name, () => {
  it('returns the settings by server id, unknown fields dropped', () => {
    const parsed = parseServerOverrides(
      { reports: { warning: 1800, critical: null, enabled: false, note: 'x' }, pg1: {} },
      SERVERS,
    );
    assert.deepEqual(
      [...parsed],
      [
        [2, { warning: 1800, critical: null, enabled: false }],
        [1, {}],
      ],
    );
  });

  it('throws a 422 naming each unknown server and each field of the wrong type', () => {
    assert.deepEqual(issues({ nope: {}, pg1: { warning: '5', enabled: 'yes' }, reports: [] }), [
      'body.servers.nope',
      'body.servers.pg1.warning',
      'body.servers.pg1.enabled',
      'body.servers.reports',
    ]);
  });
});
