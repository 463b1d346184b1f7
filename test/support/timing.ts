/** Waiting for a condition and measuring how long something takes. */
import assert from 'node:assert/strict';
import { sleep } from './proc.js';

/**
 * Polls `probe` every `everyMs` until `accept` likes its value; fails with the last value once
 * `ms` have passed. Returns the accepted value.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  ms: number,
  what: string,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) {
      assert.fail(`${what}: not reached within ${ms} ms; last: ${JSON.stringify(last)}`);
    }
    await sleep(everyMs);
    last = await probe();
  }
  return last;
}

/** Runs `work`; returns its value and how long it took, in ms. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}
