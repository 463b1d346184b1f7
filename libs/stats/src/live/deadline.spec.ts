import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDeadline } from './deadline.js';

function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('withDeadline', () => {
  it('returns the work result when it settles before the deadline', async () => {
    let called = false;
    const value = await withDeadline(later(5, 'work'), 1000, () => {
      called = true;
      return 'timeout';
    });
    assert.equal(value, 'work');
    assert.equal(called, false, 'onTimeout is not called when the work wins');
  });

  it('returns onTimeout() once the deadline passes, without waiting for the work', async () => {
    const started = Date.now();
    const value = await withDeadline(later(400, 'work'), 50, () => 'timeout');
    const elapsed = Date.now() - started;
    assert.equal(value, 'timeout');
    assert.ok(elapsed >= 45 && elapsed < 300, `answered after ${elapsed} ms`);
  });

  it('returns onTimeout() at once for a deadline already passed', async () => {
    const started = Date.now();
    const value = await withDeadline(later(300, 'work'), -100, () => 'timeout');
    assert.equal(value, 'timeout');
    assert.ok(Date.now() - started < 250);
  });

  it('rejects with the work error when the work fails first', async () => {
    await assert.rejects(
      withDeadline(Promise.reject(new Error('boom')), 1000, () => 'timeout'),
      /boom/,
    );
  });

  it('leaves no timer behind when the work wins', async () => {
    const before = timers();
    await withDeadline(Promise.resolve(1), 60_000, () => 0);
    assert.equal(timers(), before);
  });
});
