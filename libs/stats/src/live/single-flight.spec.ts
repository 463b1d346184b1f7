import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SingleFlight } from './single-flight.js';

/** A promise resolved or rejected from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(SingleFlight.name, () => {
  it('returns one shared result to concurrent callers of one key, running the work once', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let runs = 0;
    const work = () => {
      runs += 1;
      return gate.promise;
    };
    const callers = Array.from({ length: 10 }, () => flight.run('a', work));
    gate.resolve(42);
    assert.deepEqual(await Promise.all(callers), Array(10).fill(42));
    assert.equal(runs, 1);
  });

  it('runs the work once per key for different keys', async () => {
    const flight = new SingleFlight<string>();
    const seen: string[] = [];
    const run = (key: string) =>
      flight.run(key, async () => {
        seen.push(key);
        await Promise.resolve();
        return key;
      });
    assert.deepEqual(await Promise.all([run('a'), run('b'), run('a')]), ['a', 'b', 'a']);
    assert.deepEqual(seen.sort(), ['a', 'b']);
  });

  it('runs the work again once the previous run settled', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const work = () => Promise.resolve(++runs);
    assert.equal(await flight.run('a', work), 1);
    assert.equal(await flight.run('a', work), 2);
  });

  it('shares a rejection, then forgets it', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let runs = 0;
    const failing = () => {
      runs += 1;
      return gate.promise;
    };
    const first = flight.run('a', failing);
    const second = flight.run('a', failing);
    gate.reject(new Error('down'));
    await assert.rejects(first, /down/);
    await assert.rejects(second, /down/);
    assert.equal(runs, 1);
    assert.equal(await flight.run('a', () => Promise.resolve(7)), 7);
  });
});
