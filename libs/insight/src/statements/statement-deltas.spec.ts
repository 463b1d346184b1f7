import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readingDeltas, type ReadingDeltas } from './statement-deltas.js';
import {
  STATEMENT_COUNTERS,
  type StatementEntry,
  type StatementsReading,
} from './statement-reading.js';

/** Index of each counter in an entry's `counters`. */
const COUNTER_INDEX = Object.fromEntries(
  STATEMENT_COUNTERS.map((counter, index) => [counter, index]),
) as Record<(typeof STATEMENT_COUNTERS)[number], number>;

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 5, 3, 2, 0, 0);
const MAX_GAP = 3 * MINUTE;

/** An entry whose counters are all derived from `calls` (time 2 ms per call, 3 rows per call...). */
function entry(
  queryid: string,
  calls: number,
  extra: Partial<StatementEntry> = {},
): StatementEntry {
  const counters = STATEMENT_COUNTERS.map((_, index) => calls * (index + 1));
  return { queryid, dbid: 5, userid: 10, toplevel: 1, counters, statsSince: null, ...extra };
}

function reading(
  at: number,
  entries: StatementEntry[],
  extra: Partial<StatementsReading> = {},
): StatementsReading {
  return {
    readAt: at,
    generation: 1,
    level: 10,
    postmasterStart: T0 - 86_400_000,
    statsReset: T0 - 3_600_000,
    dealloc: 0,
    resetDuringRead: false,
    entries,
    hiddenOwners: [],
    ...extra,
  };
}

function calls(outcome: ReadingDeltas): Record<string, number> {
  assert.equal(outcome.kind, 'interval', JSON.stringify(outcome));
  if (outcome.kind !== 'interval') return {};
  return Object.fromEntries(
    outcome.deltas.map((delta) => [delta.entry.queryid, delta.values[COUNTER_INDEX.calls] ?? NaN]),
  );
}

function baseline(outcome: ReadingDeltas): string {
  assert.equal(outcome.kind, 'baseline', JSON.stringify(outcome));
  return outcome.kind === 'baseline' ? outcome.reason : '';
}

describe(readingDeltas.name, () => {
  describe('comparable readings', () => {
    it('returns the difference of every counter of an entry', () => {
      const outcome = readingDeltas(
        reading(T0, [entry('1', 100)]),
        reading(T0 + MINUTE, [entry('1', 600)]),
        MAX_GAP,
      );
      assert.equal(outcome.kind, 'interval');
      if (outcome.kind !== 'interval') return;
      assert.equal(outcome.intervalMs, MINUTE);
      assert.deepEqual(
        outcome.deltas[0]?.values,
        STATEMENT_COUNTERS.map((_, index) => 500 * (index + 1)),
      );
    });

    it('returns exactly 500 calls for 500 executions between two readings', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('7', 12)]),
            reading(T0 + MINUTE, [entry('7', 512)]),
            MAX_GAP,
          ),
        ),
        { '7': 500 },
      );
    });

    it('leaves out entries that did not change', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 5), entry('2', 9)]),
            reading(T0 + MINUTE, [entry('1', 5), entry('2', 10)]),
            MAX_GAP,
          ),
        ),
        { '2': 1 },
      );
    });

    it('counts planning without execution (a plan that failed to run)', () => {
      const before = entry('1', 5);
      const after = { ...before, counters: [...before.counters] };
      after.counters[COUNTER_INDEX.plan_time] =
        (after.counters[COUNTER_INDEX.plan_time] ?? 0) + 0.5;
      const outcome = readingDeltas(reading(T0, [before]), reading(T0 + MINUTE, [after]), MAX_GAP);
      assert.equal(
        outcome.kind === 'interval' ? outcome.deltas[0]?.values[COUNTER_INDEX.plan_time] : NaN,
        0.5,
      );
    });

    it('tells entries apart by database, user and toplevel', () => {
      const outcome = readingDeltas(
        reading(T0, [entry('1', 1), entry('1', 1, { dbid: 6 }), entry('1', 1, { toplevel: 0 })]),
        reading(T0 + MINUTE, [
          entry('1', 2),
          entry('1', 4, { dbid: 6 }),
          entry('1', 11, { toplevel: 0 }),
          entry('1', 3, { userid: 11 }),
        ]),
        MAX_GAP,
      );
      assert.equal(outcome.kind, 'interval');
      if (outcome.kind !== 'interval') return;
      assert.deepEqual(
        outcome.deltas.map((delta) => delta.values[COUNTER_INDEX.calls]),
        [1, 3, 10, 3],
      );
    });

    it('returns the evictions of the interval from dealloc', () => {
      const outcome = readingDeltas(
        reading(T0, [], { dealloc: 4 }),
        reading(T0 + MINUTE, [], { dealloc: 7 }),
        MAX_GAP,
      );
      assert.equal(outcome.kind === 'interval' ? outcome.evictions : NaN, 3);
    });

    it('returns null evictions before PostgreSQL 14', () => {
      const old = { statsReset: null, dealloc: null, level: 7 };
      const outcome = readingDeltas(reading(T0, [], old), reading(T0 + MINUTE, [], old), MAX_GAP);
      assert.equal(outcome.kind === 'interval' ? outcome.evictions : NaN, null);
    });
  });

  describe('new baselines', () => {
    it('returns a baseline for the first reading', () => {
      assert.equal(
        baseline(readingDeltas(undefined, reading(T0, [entry('1', 5)]), MAX_GAP)),
        'first reading',
      );
    });

    it('returns a baseline when the server configuration changed (another server, maybe)', () => {
      assert.equal(
        baseline(
          readingDeltas(
            reading(T0, [entry('1', 5)]),
            reading(T0 + MINUTE, [entry('1', 5_000_000)], { generation: 2 }),
            MAX_GAP,
          ),
        ),
        'server configuration changed',
      );
    });

    it('returns a baseline when the extension version changed (keys and columns moved)', () => {
      assert.equal(
        baseline(
          readingDeltas(
            reading(T0, [entry('1', 5, { toplevel: 2 })], { level: 8 }),
            reading(T0 + MINUTE, [entry('1', 50)], { level: 9 }),
            MAX_GAP,
          ),
        ),
        'extension version changed',
      );
    });

    it('returns a baseline when stats_reset changed while the entries were read', () => {
      assert.equal(
        baseline(
          readingDeltas(
            reading(T0, [entry('1', 5)]),
            reading(T0 + MINUTE, [entry('1', 2)], {
              resetDuringRead: true,
              statsReset: T0 + MINUTE - 1,
            }),
            MAX_GAP,
          ),
        ),
        'reset while reading',
      );
    });

    it('returns a baseline when the readings are more than the longest gap apart', () => {
      assert.equal(
        baseline(
          readingDeltas(
            reading(T0, [entry('1', 5)]),
            reading(T0 + MAX_GAP + 1, [entry('1', 500)]),
            MAX_GAP,
          ),
        ),
        'gap too long',
      );
      assert.equal(
        readingDeltas(
          reading(T0, [entry('1', 5)]),
          reading(T0 + MAX_GAP, [entry('1', 500)]),
          MAX_GAP,
        ).kind,
        'interval',
      );
    });

    it('returns a baseline when the server clock went back', () => {
      assert.equal(
        baseline(
          readingDeltas(reading(T0, [entry('1', 5)]), reading(T0, [entry('1', 6)]), MAX_GAP),
        ),
        'clock went back',
      );
    });

    it('returns a baseline when the postmaster started before the previous reading (another server)', () => {
      assert.equal(
        baseline(
          readingDeltas(
            reading(T0, [entry('1', 5)]),
            reading(T0 + MINUTE, [entry('1', 9_000)], { postmasterStart: T0 - 7 * 86_400_000 }),
            MAX_GAP,
          ),
        ),
        'counters of another server',
      );
    });

    it('returns a baseline when stats_reset moved to before the previous reading (another server)', () => {
      assert.equal(
        baseline(
          readingDeltas(
            reading(T0, [entry('1', 5)]),
            reading(T0 + MINUTE, [entry('1', 9_000)], { statsReset: T0 - 5 * 3_600_000 }),
            MAX_GAP,
          ),
        ),
        'counters of another server',
      );
    });
  });

  describe('resets', () => {
    it('counts every entry as it is after pg_stat_statements_reset() during the interval', () => {
      const outcome = readingDeltas(
        reading(T0, [entry('1', 900), entry('2', 30)]),
        reading(T0 + MINUTE, [entry('1', 40), entry('2', 70)], {
          statsReset: T0 + 20_000,
          dealloc: 0,
        }),
        MAX_GAP,
      );
      // The calls between the previous reading and the reset are lost, never the later ones,
      // and an entry that grew past its old value is not differenced against it.
      assert.deepEqual(calls(outcome), { '1': 40, '2': 70 });
    });

    it('returns the evictions since the reset', () => {
      const outcome = readingDeltas(
        reading(T0, [], { dealloc: 50 }),
        reading(T0 + MINUTE, [], { statsReset: T0 + 1000, dealloc: 2 }),
        MAX_GAP,
      );
      assert.equal(outcome.kind === 'interval' ? outcome.evictions : NaN, 2);
    });

    it('counts an entry whose counters went down as new (a reset of that entry, before PostgreSQL 14)', () => {
      const old = { statsReset: null, dealloc: null, level: 7 };
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 900, { toplevel: 2 })], old),
            reading(T0 + MINUTE, [entry('1', 25, { toplevel: 2 })], old),
            MAX_GAP,
          ),
        ),
        { '1': 25 },
      );
    });

    it('counts an entry as new when only one counter went down', () => {
      const before = entry('1', 10);
      const after = entry('1', 20);
      after.counters[COUNTER_INDEX.rows] = 1;
      assert.deepEqual(
        calls(readingDeltas(reading(T0, [before]), reading(T0 + MINUTE, [after]), MAX_GAP)),
        {
          '1': 20,
        },
      );
    });
  });

  describe('evicted and re-added entries', () => {
    it('counts an entry that went missing and came back as new', () => {
      const first = readingDeltas(
        reading(T0, [entry('1', 50), entry('2', 5)]),
        reading(T0 + MINUTE, [entry('2', 6)]),
        MAX_GAP,
      );
      assert.deepEqual(calls(first), { '2': 1 });
      const second = readingDeltas(
        reading(T0 + MINUTE, [entry('2', 6)]),
        reading(T0 + 2 * MINUTE, [entry('1', 3), entry('2', 6)]),
        MAX_GAP,
      );
      assert.deepEqual(calls(second), { '1': 3 });
    });

    it('counts an entry evicted and re-added within the interval (calls went down) as new', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 50)]),
            reading(T0 + MINUTE, [entry('1', 8)]),
            MAX_GAP,
          ),
        ),
        { '1': 8 },
      );
    });

    it('never counts more than the new entry holds when it grew past the evicted one', () => {
      // Evicted at 10 calls, re-added and run 15 times: 15 happened, 5 is all that can be
      // proven before PostgreSQL 17, and never more.
      const outcome = calls(
        readingDeltas(
          reading(T0, [entry('1', 10)]),
          reading(T0 + MINUTE, [entry('1', 15)]),
          MAX_GAP,
        ),
      );
      assert.ok((outcome['1'] ?? 0) <= 15);
      assert.ok((outcome['1'] ?? 0) >= 0);
    });

    it('does not count an entry appearing for an owner pgmon could not see before', () => {
      const outcome = readingDeltas(
        reading(T0, [], { hiddenOwners: ['5/10'] }),
        reading(T0 + MINUTE, [entry('1', 1_000_000), entry('2', 3, { userid: 11 })]),
        MAX_GAP,
      );
      assert.deepEqual(calls(outcome), { '2': 3 });
    });
  });

  describe('PostgreSQL 17+ (stats_since)', () => {
    const v17 = { level: 11 };

    it('counts an entry re-created after the previous reading as new, even when it grew', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 10, { statsSince: T0 - MINUTE })], v17),
            reading(T0 + MINUTE, [entry('1', 15, { statsSince: T0 + 1000 })], v17),
            MAX_GAP,
          ),
        ),
        { '1': 15 },
      );
    });

    it('differences an entry with the same stats_since', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 10, { statsSince: T0 - MINUTE })], v17),
            reading(T0 + MINUTE, [entry('1', 15, { statsSince: T0 - MINUTE })], v17),
            MAX_GAP,
          ),
        ),
        { '1': 5 },
      );
    });

    it('does not count a new entry created before the previous reading', () => {
      const outcome = readingDeltas(
        reading(T0, [], v17),
        reading(T0 + MINUTE, [entry('1', 15, { statsSince: T0 - MINUTE })], v17),
        MAX_GAP,
      );
      assert.deepEqual(calls(outcome), {});
    });

    it('does not count an entry whose counters went down under the same stats_since', () => {
      const outcome = readingDeltas(
        reading(T0, [entry('1', 15, { statsSince: T0 - MINUTE })], v17),
        reading(T0 + MINUTE, [entry('1', 10, { statsSince: T0 - MINUTE })], v17),
        MAX_GAP,
      );
      assert.deepEqual(calls(outcome), {});
    });
  });

  describe('restarts', () => {
    it('differences entries across a clean restart (statistics kept, stats_reset unchanged)', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 10)]),
            reading(T0 + MINUTE, [entry('1', 14)], { postmasterStart: T0 + 30_000 }),
            MAX_GAP,
          ),
        ),
        { '1': 4 },
      );
    });

    it('counts entries as new after a crash restart (PostgreSQL 14+: stats_reset is the start)', () => {
      assert.deepEqual(
        calls(
          readingDeltas(
            reading(T0, [entry('1', 10)]),
            reading(T0 + MINUTE, [entry('1', 14)], {
              postmasterStart: T0 + 30_000,
              statsReset: T0 + 30_000,
            }),
            MAX_GAP,
          ),
        ),
        { '1': 14 },
      );
    });

    it('never counts more than happened after a crash restart before PostgreSQL 14', () => {
      const old = { statsReset: null, dealloc: null, level: 7 };
      const outcome = calls(
        readingDeltas(
          reading(T0, [entry('1', 10, { toplevel: 2 }), entry('2', 3, { toplevel: 2 })], old),
          reading(T0 + MINUTE, [entry('1', 4, { toplevel: 2 }), entry('2', 8, { toplevel: 2 })], {
            ...old,
            postmasterStart: T0 + 30_000,
          }),
          MAX_GAP,
        ),
      );
      assert.equal(outcome['1'], 4);
      assert.ok((outcome['2'] ?? 0) <= 8);
    });
  });

  it('never returns a negative value, whatever the readings', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const make = (): StatementEntry[] =>
        Array.from({ length: 20 }, (_, index) =>
          entry(String(index), Math.floor(random() * 100)),
        ).filter(() => random() > 0.3);
      const outcome = readingDeltas(
        reading(T0, make(), { statsReset: random() > 0.5 ? T0 - 1 : T0 - 2 }),
        reading(T0 + MINUTE, make(), { statsReset: random() > 0.8 ? T0 + 5 : T0 - 1 }),
        MAX_GAP,
      );
      if (outcome.kind !== 'interval') continue;
      for (const delta of outcome.deltas) assert.ok(delta.values.every((value) => value >= 0));
    }
  });
});
