import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { AUDITED_QUERY_CHARS, maskPasswords, queryDigest } from './query-digest.js';

describe(queryDigest.name, () => {
  it('returns the SHA-256 of the whole query and its first 200 characters', () => {
    const query = `select ${'x'.repeat(500)}`;
    const digest = queryDigest(query);
    assert.equal(digest.query_sha256, createHash('sha256').update(query).digest('hex'));
    assert.equal(digest.query, query.slice(0, AUDITED_QUERY_CHARS));
  });

  it('returns nulls for a session without a query', () => {
    assert.deepEqual(queryDigest(null), { query_sha256: null, query: null });
  });
});

describe(maskPasswords.name, () => {
  const cases: [string, string][] = [
    ["ALTER ROLE app PASSWORD 's3cret'", "ALTER ROLE app PASSWORD '***'"],
    [
      "create user u with encrypted password 'it''s s3cret' valid until 'x'",
      "create user u with encrypted password '***' valid until 'x'",
    ],
    ['alter role app password $$s3cret$$', "alter role app password '***'"],
    ['alter role app password $q$s3cret$q$ login', "alter role app password '***' login"],
    ["alter role app password 'unterminated s3cret", "alter role app password '***'"],
    ['select password from t', 'select password from t'],
  ];
  for (const [query, expected] of cases) {
    it(`returns ${JSON.stringify(expected)} for ${JSON.stringify(query)}`, () => {
      assert.equal(maskPasswords(query), expected);
      assert.doesNotMatch(maskPasswords(query), /s3cret/);
    });
  }
});
