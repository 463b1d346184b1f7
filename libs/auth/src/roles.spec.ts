import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasRole, isRole, ROLES } from './roles.js';

describe(isRole.name, () => {
  it('returns true for each known role', () => {
    for (const role of ['viewer', 'operator', 'admin']) assert.equal(isRole(role), true, role);
  });

  it('returns false for anything else', () => {
    for (const value of ['root', 'Admin', '', ' admin', undefined, null, 1, ['admin']]) {
      assert.equal(isRole(value), false, String(value));
    }
  });
});

describe(hasRole.name, () => {
  it('returns true for the same or a more privileged role only', () => {
    const expected: Record<string, boolean> = {
      'viewer>=viewer': true,
      'viewer>=operator': false,
      'viewer>=admin': false,
      'operator>=viewer': true,
      'operator>=operator': true,
      'operator>=admin': false,
      'admin>=viewer': true,
      'admin>=operator': true,
      'admin>=admin': true,
    };
    for (const role of ROLES) {
      for (const required of ROLES) {
        const key = `${role}>=${required}`;
        assert.equal(hasRole(role, required), expected[key], key);
      }
    }
  });
});
