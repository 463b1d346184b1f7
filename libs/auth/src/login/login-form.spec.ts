import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import type { ValidationIssue } from '#http';
import { assertLoginForm } from './login-form.js';

function issues(body: unknown): ValidationIssue[] {
  try {
    assertLoginForm(body);
  } catch (error) {
    assert.ok(error instanceof UnprocessableEntityException, String(error));
    assert.equal(error.getStatus(), 422);
    return (error.getResponse() as { detail: ValidationIssue[] }).detail;
  }
  return assert.fail(`expected ${JSON.stringify(body)} to be refused`);
}

describe(assertLoginForm.name, () => {
  it('returns normally for a username and a password', () => {
    assertLoginForm({ username: 'alice', password: 'secret-pw' });
  });

  it('returns normally with grant_type=password or empty and the other OAuth2 fields', () => {
    for (const grantType of ['password', '', undefined]) {
      assertLoginForm({
        username: 'alice',
        password: 'secret-pw',
        grant_type: grantType,
        scope: '',
        client_id: 'x',
        client_secret: 'y',
      });
    }
  });

  it('throws 422 with both fields missing for an empty, absent or non-object body', () => {
    const missing = [
      { loc: ['body', 'username'], msg: 'Field required', type: 'missing' },
      { loc: ['body', 'password'], msg: 'Field required', type: 'missing' },
    ];
    for (const body of [{}, undefined, null, 'username=alice']) {
      assert.deepEqual(issues(body), missing, JSON.stringify(body));
    }
  });

  it('throws 422 naming an empty field as missing', () => {
    assert.deepEqual(issues({ username: 'alice', password: '' }), [
      { loc: ['body', 'password'], msg: 'Field required', type: 'missing' },
    ]);
  });

  it('throws 422 with string_type for a non-string field', () => {
    assert.deepEqual(issues({ username: ['alice'], password: 'secret-pw' }), [
      { loc: ['body', 'username'], msg: 'Must be a string', type: 'string_type' },
    ]);
  });

  it('throws 422 with string_too_long past 1024 characters', () => {
    assertLoginForm({ username: 'a'.repeat(1024), password: 'p'.repeat(1024) });
    assert.deepEqual(issues({ username: 'alice', password: 'p'.repeat(1025) }), [
      { loc: ['body', 'password'], msg: 'At most 1024 characters', type: 'string_too_long' },
    ]);
  });

  it('throws 422 for a grant_type other than password', () => {
    assert.deepEqual(
      issues({ username: 'alice', password: 'secret-pw', grant_type: 'client_credentials' }),
      [
        {
          loc: ['body', 'grant_type'],
          msg: 'Only grant_type=password is supported',
          type: 'value_error',
        },
      ],
    );
  });
});
