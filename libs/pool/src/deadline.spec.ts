import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineExceededError, within } from './deadline.js';

describe('within', () => {
  it('returns the value of work that settles in time, without calling onExpiry', async () => {
    let expired = false;
    assert.equal(await within(200, Promise.resolve(7), () => (expired = true)), 7);
    assert.equal(expired, false);
  });

  it('rejects with DeadlineExceededError after calling onExpiry when work is late', async () => {
    let expired = false;
    const late = new Promise((resolve) => setTimeout(resolve, 500));
    await assert.rejects(
      within(20, late, () => (expired = true)),
      (error: unknown) => error instanceof DeadlineExceededError && error.deadlineMs === 20,
    );
    assert.equal(expired, true);
  });

  it('passes on the rejection of work that fails in time', async () => {
    await assert.rejects(
      within(200, Promise.reject(new Error('boom')), () => {}),
      /boom/,
    );
  });
});
