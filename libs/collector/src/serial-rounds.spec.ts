import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerialRounds } from './serial-rounds.js';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe(SerialRounds.name, () => {
  it('starts no second round while one runs, and runs again once it ended', async () => {
    const { opened, open } = gate();
    let started = 0;
    const rounds = new SerialRounds(async () => {
      started += 1;
      await opened;
    });
    const first = rounds.run();
    assert.equal(rounds.busy, true);
    assert.equal(await rounds.run(), false);
    assert.equal(started, 1);
    open();
    assert.equal(await first, true);
    assert.equal(rounds.busy, false);
    assert.equal(await rounds.run(), true);
    assert.equal(started, 2);
  });

  it('drains the running round, then the work it started', async () => {
    const round = gate();
    const work = gate();
    const started: Promise<void>[] = [];
    const rounds = new SerialRounds(async () => {
      await round.opened;
      started.push(work.opened);
    });
    void rounds.run();
    let drained = false;
    const draining = rounds.drain(() => started, 10_000).then(() => (drained = true));
    round.open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(started.length, 1, 'the round ended and started its work');
    assert.equal(drained, false, 'the work has not ended yet');
    work.open();
    await draining;
    assert.equal(drained, true);
  });

  it('stops waiting at the limit', async () => {
    const rounds = new SerialRounds(() => new Promise<void>(() => {}));
    void rounds.run();
    // The limit's timer does not hold the process (shutdown): this one does, for the test.
    const alive = setTimeout(() => {}, 5000);
    const before = Date.now();
    await rounds.drain(() => [], 50);
    const waited = Date.now() - before;
    clearTimeout(alive);
    assert.ok(waited >= 45 && waited < 1000, `${waited} ms`);
  });
});
