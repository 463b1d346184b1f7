import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReading, type AfterRow, type EntryRow } from './reading-rows.js';
import { STATEMENT_COUNTERS } from './statement-reading.js';

const COUNTERS = STATEMENT_COUNTERS.map((_, index) => index + 0.5);
const AFTER: AfterRow = [1_750_000_060_000, 1_749_000_000_000, 1_749_500_000_000, 3];

describe(parseReading.name, () => {
  it('returns the entries, their names and the reading clock', () => {
    const rows: EntryRow[] = [['-42', 5, 10, 1, 'app', 'alice', null, ...COUNTERS]];
    const { reading, names } = parseReading([1_749_500_000_000, 3], rows, AFTER, {
      generation: 2,
      level: 10,
    });
    assert.deepEqual(reading.entries, [
      { queryid: '-42', dbid: 5, userid: 10, toplevel: 1, statsSince: null, counters: COUNTERS },
    ]);
    assert.deepEqual(names.get('-42/5/10/1'), { datname: 'app', usename: 'alice' });
    assert.equal(reading.readAt, AFTER[0]);
    assert.equal(reading.postmasterStart, AFTER[1]);
    assert.equal(reading.dealloc, 3);
    assert.equal(reading.generation, 2);
    assert.equal(reading.resetDuringRead, false);
  });

  it('returns entries hidden from pgmon (no pg_read_all_stats) as their owners only', () => {
    const rows: EntryRow[] = [[null, 5, 11, 1, 'app', 'bob', null, ...COUNTERS]];
    const { reading } = parseReading([null, null], rows, AFTER, { generation: 1, level: 10 });
    assert.deepEqual(reading.entries, []);
    assert.deepEqual(reading.hiddenOwners, ['5/11']);
  });

  it('returns resetDuringRead when stats_reset differs before and after the entries', () => {
    const { reading } = parseReading([1_749_400_000_000, 9], [], AFTER, {
      generation: 1,
      level: 10,
    });
    assert.equal(reading.resetDuringRead, true);
  });

  it('returns null counters (a column a version lacks) as 0', () => {
    const rows: EntryRow[] = [
      ['1', 5, 10, 2, null, null, null, ...STATEMENT_COUNTERS.map(() => null)],
    ];
    const old: AfterRow = [1, 0, null, null];
    const { reading } = parseReading([null, null], rows, old, { generation: 1, level: 7 });
    assert.deepEqual(
      reading.entries[0]?.counters,
      STATEMENT_COUNTERS.map(() => 0),
    );
    assert.equal(reading.resetDuringRead, false);
  });
});
