import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionsByState } from './status-query.js';

describe('connectionsByState', () => {
  it('returns active and idle as 0 when no session is in those states', () => {
    assert.deepEqual(connectionsByState({}), { active: 0, idle: 0 });
  });

  it('returns active and idle first, then the other states in name order', () => {
    const result = connectionsByState({
      'idle in transaction': 2,
      idle: 4,
      'fastpath function call': 1,
      active: 3,
      'idle in transaction (aborted)': 5,
    });
    assert.deepEqual(Object.keys(result), [
      'active',
      'idle',
      'fastpath function call',
      'idle in transaction',
      'idle in transaction (aborted)',
    ]);
    assert.deepEqual(Object.values(result), [3, 4, 1, 2, 5]);
  });

  it('returns numbers for counts that arrive as text', () => {
    const result = connectionsByState({ disabled: '7' as unknown as number, active: 1 });
    assert.equal(result.disabled, 7);
  });
});
