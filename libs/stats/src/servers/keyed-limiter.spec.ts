import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedLimiter, LimiterBusyError } from './keyed-limiter.js';

/** A promise with its resolve function. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe(KeyedLimiter.name, () => {
  it('returns the work’s result, running at most `limit` at once per key', async () => {
    const limiter = new KeyedLimiter(2, 1000);
    const blocker = gate();
    let active = 0;
    let peak = 0;
    const work = async (value: number) => {
      active += 1;
      peak = Math.max(peak, active);
      await blocker.promise;
      active -= 1;
      return value;
    };
    const runs = [1, 2, 3, 4, 5].map((value) => limiter.run('a', () => work(value)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(limiter.running('a'), 2);
    blocker.open();
    assert.deepEqual(await Promise.all(runs), [1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
    assert.equal(limiter.running('a'), 0);
  });

  it('returns runs of other keys without waiting', async () => {
    const limiter = new KeyedLimiter(1, 1000);
    const blocker = gate();
    const held = limiter.run('a', () => blocker.promise);
    assert.equal(await limiter.run('b', () => Promise.resolve('free')), 'free');
    blocker.open();
    await held;
  });

  it('throws LimiterBusyError after waiting maxWaitMs, and serves the next caller later', async () => {
    const limiter = new KeyedLimiter(1, 50);
    const blocker = gate();
    const held = limiter.run('a', () => blocker.promise);
    await assert.rejects(
      limiter.run('a', () => Promise.resolve()),
      (error) => error instanceof LimiterBusyError && error.key === 'a',
    );
    blocker.open();
    await held;
    assert.equal(await limiter.run('a', () => Promise.resolve(7)), 7);
  });

  it('frees the slot when the work throws', async () => {
    const limiter = new KeyedLimiter(1, 50);
    await assert.rejects(
      limiter.run('a', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(limiter.running('a'), 0);
    assert.equal(await limiter.run('a', () => Promise.resolve('again')), 'again');
  });
});
