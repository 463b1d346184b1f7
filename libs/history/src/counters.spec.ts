import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COUNTERS,
  counterDeltas,
  mapCounters,
  zeroCounters,
  type CounterSample,
  type Counters,
} from './counters.js';

const OID = 16384;
const T0 = Date.UTC(2025, 5, 3, 10, 0, 0);
const MINUTE = 60_000;
const BOOT = T0 - 86_400_000;

/** Counters whose value for each counter is `base + offset` (offset: position in COUNTERS). */
function counters(base: number): Counters {
  return mapCounters((counter) => base + COUNTERS.indexOf(counter));
}

function sample(overrides: Partial<CounterSample> = {}): CounterSample {
  return {
    identity: OID,
    ts: T0,
    counters: counters(1000),
    statsReset: null,
    postmasterStart: BOOT,
    ...overrides,
  };
}

describe(counterDeltas.name, () => {
  it('returns null for the first sample of a database (no predecessor)', () => {
    assert.equal(counterDeltas(undefined, sample()), null);
  });

  it('returns the difference of every counter between two samples', () => {
    const previous = sample({ counters: counters(1000) });
    const current = sample({
      ts: T0 + MINUTE,
      counters: mapCounters((counter) => 1000 + COUNTERS.indexOf(counter) * 2 + 25),
    });
    const deltas = counterDeltas(previous, current);
    assert.deepEqual(
      deltas,
      mapCounters((counter) => COUNTERS.indexOf(counter) + 25),
    );
  });

  it('returns zeros when nothing happened between the samples', () => {
    assert.deepEqual(counterDeltas(sample(), sample({ ts: T0 + MINUTE })), zeroCounters());
  });

  it('returns a new object that does not alias the samples', () => {
    const current = sample({ ts: T0 + MINUTE, counters: counters(5), statsReset: T0 + 1 });
    const deltas = counterDeltas(sample(), current);
    assert.ok(deltas);
    deltas.xact_commit = -1;
    assert.equal(current.counters.xact_commit, 5);
  });

  describe('stats reset', () => {
    it('returns the counters since the reset when stats_reset changed after the previous sample', () => {
      const previous = sample({ counters: counters(5000) });
      const current = sample({
        ts: T0 + 5 * MINUTE,
        statsReset: T0 + 2 * MINUTE,
        counters: counters(40),
      });
      assert.deepEqual(counterDeltas(previous, current), counters(40));
    });

    it('returns the counters since the reset also when the counters did not go down', () => {
      // Reset, then more events than before: a plain difference would undercount.
      const previous = sample({ counters: counters(10) });
      const current = sample({
        ts: T0 + 5 * MINUTE,
        statsReset: T0 + MINUTE,
        counters: counters(30),
      });
      assert.deepEqual(counterDeltas(previous, current), counters(30));
    });

    it('returns the counters since the latest reset when one reset follows another', () => {
      const previous = sample({ statsReset: T0 - 10 * MINUTE, counters: counters(900) });
      const current = sample({ ts: T0 + MINUTE, statsReset: T0 + 1, counters: counters(7) });
      assert.deepEqual(counterDeltas(previous, current), counters(7));
    });

    it('returns null when stats_reset changed to a time before the previous sample', () => {
      // The reset time is not after the previous sample (clock skew): what happened in the
      // interval is unknown, so it is not counted rather than guessed.
      const previous = sample({ counters: counters(5000) });
      const current = sample({ ts: T0 + MINUTE, statsReset: T0 - MINUTE, counters: counters(40) });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('returns null when stats_reset changed to exactly the previous sample time', () => {
      const previous = sample({ counters: counters(5000) });
      const current = sample({ ts: T0 + MINUTE, statsReset: T0, counters: counters(40) });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('returns the plain difference when stats_reset stayed the same', () => {
      const reset = T0 - 3_600_000;
      const previous = sample({ statsReset: reset, counters: counters(100) });
      const current = sample({ ts: T0 + MINUTE, statsReset: reset, counters: counters(160) });
      assert.deepEqual(
        counterDeltas(previous, current),
        mapCounters(() => 60),
      );
    });
  });

  describe('counter decrease (restart)', () => {
    it('returns the new counters when a counter went down and the postmaster restarted after the previous sample', () => {
      const previous = sample({ counters: counters(5000) });
      const current = sample({
        ts: T0 + 5 * MINUTE,
        postmasterStart: T0 + 2 * MINUTE,
        counters: counters(12),
      });
      assert.deepEqual(counterDeltas(previous, current), counters(12));
    });

    it('counts nothing for counters that all went down while the postmaster start stayed the same', () => {
      // No reset and no restart explains it, so no counter's interval is known; none is negative.
      const previous = sample({ counters: counters(5000) });
      const current = sample({ ts: T0 + MINUTE, counters: counters(12) });
      assert.deepEqual(counterDeltas(previous, current), zeroCounters());
    });

    it('returns null when a counter went down and the postmaster start is unknown', () => {
      const previous = sample({ postmasterStart: null, counters: counters(5000) });
      const current = sample({ ts: T0 + MINUTE, postmasterStart: null, counters: counters(12) });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('returns null when the postmaster start changed to a time before the previous sample', () => {
      const previous = sample({ counters: counters(5000) });
      const current = sample({
        ts: T0 + MINUTE,
        postmasterStart: T0 - MINUTE,
        counters: counters(12),
      });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('returns null when one counter went down and the postmaster start became unknown', () => {
      const previous = sample({ counters: counters(100) });
      const current = sample({
        ts: T0 + MINUTE,
        postmasterStart: null,
        counters: { ...counters(200), temp_bytes: 0 },
      });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('returns the new counters when the postmaster start was unknown before and is after the previous sample now', () => {
      const previous = sample({ postmasterStart: null, counters: counters(5000) });
      const current = sample({
        ts: T0 + 5 * MINUTE,
        postmasterStart: T0 + MINUTE,
        counters: counters(12),
      });
      assert.deepEqual(counterDeltas(previous, current), counters(12));
    });

    it('returns the plain difference after a restart that kept the statistics', () => {
      // A clean shutdown writes the statistics and the next start reads them back: the
      // counters go on, only the postmaster start changes.
      const previous = sample({ counters: counters(100) });
      const current = sample({
        ts: T0 + 5 * MINUTE,
        postmasterStart: T0 + 2 * MINUTE,
        counters: counters(130),
      });
      assert.deepEqual(
        counterDeltas(previous, current),
        mapCounters(() => 30),
      );
    });
  });

  describe('a single counter going down (no reset, same postmaster start)', () => {
    const reset = T0 - 3_600_000;

    it('counts nothing for that counter and the difference for every other counter', () => {
      const previous = sample({ counters: counters(100) });
      const current = sample({
        ts: T0 + MINUTE,
        counters: { ...counters(200), temp_bytes: 0 },
      });
      assert.deepEqual(counterDeltas(previous, current), {
        ...mapCounters(() => 100),
        temp_bytes: 0,
      });
    });

    for (const counter of COUNTERS) {
      it(`counts nothing for ${counter} alone when only ${counter} went down`, () => {
        const previous = sample({ statsReset: reset, counters: counters(1000) });
        const current = sample({
          ts: T0 + MINUTE,
          statsReset: reset,
          counters: { ...counters(1030), [counter]: 3 },
        });
        assert.deepEqual(counterDeltas(previous, current), {
          ...mapCounters(() => 30),
          [counter]: 0,
        });
      });
    }

    it('counts nothing for each counter that went down, and the difference for the others', () => {
      const previous = sample({ counters: counters(500) });
      const current = sample({
        ts: T0 + MINUTE,
        counters: { ...counters(510), xact_rollback: 7, deadlocks: 499 },
      });
      assert.deepEqual(counterDeltas(previous, current), {
        ...mapCounters(() => 10),
        xact_rollback: 0,
        deadlocks: 0,
      });
    });

    it('counts zero for a counter that stayed the same next to one that went down', () => {
      const previous = sample({ counters: counters(500) });
      const current = sample({
        ts: T0 + MINUTE,
        counters: { ...counters(500), blks_read: 1, blks_hit: previous.counters.blks_hit + 9 },
      });
      assert.deepEqual(counterDeltas(previous, current), { ...zeroCounters(), blks_hit: 9 });
    });

    it('returns the counters since the reset when stats_reset also changed after the previous sample', () => {
      const previous = sample({ statsReset: reset, counters: counters(500) });
      const current = sample({
        ts: T0 + 2 * MINUTE,
        statsReset: T0 + MINUTE,
        counters: { ...counters(600), temp_files: 2 },
      });
      assert.deepEqual(counterDeltas(previous, current), current.counters);
    });

    it('returns the new counters when the postmaster restarted after the previous sample', () => {
      const previous = sample({ counters: counters(500) });
      const current = sample({
        ts: T0 + 2 * MINUTE,
        postmasterStart: T0 + MINUTE,
        counters: { ...counters(600), tup_deleted: 4 },
      });
      assert.deepEqual(counterDeltas(previous, current), current.counters);
    });

    it('returns null when the postmaster start changed to a time before the previous sample', () => {
      const previous = sample({ counters: counters(500) });
      const current = sample({
        ts: T0 + MINUTE,
        postmasterStart: T0 - MINUTE,
        counters: { ...counters(600), tup_deleted: 4 },
      });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('never returns a negative number, whichever counters went down', () => {
      for (let mask = 1; mask < 1 << 4; mask++) {
        const down = COUNTERS.filter((_, index) => (mask >> index) & 1);
        const previous = sample({ counters: counters(1000) });
        const current = sample({
          ts: T0 + MINUTE,
          counters: mapCounters((counter) => (down.includes(counter) ? 1 : 1100)),
        });
        const deltas = counterDeltas(previous, current);
        assert.ok(deltas, `mask ${mask}`);
        for (const counter of COUNTERS) {
          const expected = down.includes(counter) ? 0 : 1100 - previous.counters[counter];
          assert.equal(deltas[counter], expected, `${counter}, mask ${mask}`);
        }
      }
    });
  });

  describe('identity change (database re-created under the same name)', () => {
    it('returns the new counters when the new database was created after the previous sample', () => {
      const previous = sample({ counters: counters(5000) });
      const current = sample({
        identity: OID + 1,
        ts: T0 + 5 * MINUTE,
        creationTime: T0 + MINUTE,
        counters: counters(3),
      });
      assert.deepEqual(counterDeltas(previous, current), counters(3));
    });

    it('returns null when the creation time of the new database is unknown', () => {
      const previous = sample({ counters: counters(10) });
      const current = { ...sample({ identity: OID + 1, ts: T0 + MINUTE, counters: counters(3) }) };
      assert.equal(counterDeltas(previous, current), null);
      assert.equal(counterDeltas(previous, { ...current, creationTime: null }), null);
    });

    it('returns null when the new database was created before the previous sample', () => {
      const previous = sample({ counters: counters(10) });
      const current = sample({
        identity: OID + 1,
        ts: T0 + MINUTE,
        creationTime: T0 - MINUTE,
        counters: counters(3000),
      });
      assert.equal(counterDeltas(previous, current), null);
    });

    it('returns null for another identity even when its counters are higher', () => {
      const previous = sample({ counters: counters(10) });
      const current = sample({ identity: OID + 1, ts: T0 + MINUTE, counters: counters(50) });
      assert.equal(counterDeltas(previous, current), null);
    });
  });
});

describe(mapCounters.name, () => {
  it('returns one entry per counter, in the order of COUNTERS', () => {
    const mapped = mapCounters((counter) => COUNTERS.indexOf(counter));
    assert.deepEqual(Object.keys(mapped), [...COUNTERS]);
    assert.deepEqual(
      Object.values(mapped),
      COUNTERS.map((_, index) => index),
    );
  });

  it('returns all twelve pg_stat_database counters pgmon keeps', () => {
    assert.deepEqual([...COUNTERS].sort(), [
      'blks_hit',
      'blks_read',
      'deadlocks',
      'temp_bytes',
      'temp_files',
      'tup_deleted',
      'tup_fetched',
      'tup_inserted',
      'tup_returned',
      'tup_updated',
      'xact_commit',
      'xact_rollback',
    ]);
  });
});

describe(zeroCounters.name, () => {
  it('returns a fresh object of zeros each time', () => {
    const zeros = zeroCounters();
    assert.ok(Object.values(zeros).every((value) => value === 0));
    zeros.xact_commit = 5;
    assert.equal(zeroCounters().xact_commit, 0);
  });
});
