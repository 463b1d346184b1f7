import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatabaseReading } from '../reading/database-visitor.js';
import type { SequenceRow } from '../reading/database-queries.js';
import {
  deadTuples,
  duplicateIndexes,
  invalidIndexes,
  sequenceExhaustion,
} from './database-checks.js';

function reading(database: string, extra: Partial<DatabaseReading> = {}): DatabaseReading {
  const none = { ok: true as const, value: [] };
  return {
    database,
    sequences: none,
    invalidIndexes: none,
    unusedIndexes: none,
    duplicateIndexes: none,
    deadTuples: none,
    ...extra,
  };
}

const failed = (reason: string) => ({ ok: false as const, reason });

function sequence(name: string, used: number | null, readable = true): SequenceRow {
  return {
    schema: 'public',
    sequence: name,
    table_name: 't',
    column_name: 'id',
    readable,
    last_value: readable ? '1' : null,
    used,
  };
}

describe(sequenceExhaustion.name, () => {
  it('returns the sequence closest to its maximum across databases', () => {
    const measured = sequenceExhaustion([
      reading('a', { sequences: { ok: true, value: [sequence('s1', 0.1)] } }),
      reading('b', { sequences: { ok: true, value: [sequence('s2', 0.95), sequence('s3', 0.5)] } }),
    ]);
    assert.ok(!('unknown' in measured));
    assert.equal(measured.value, 0.95);
    assert.deepEqual(
      measured.objects.map((o) => `${o.database}.${o.sequence}`),
      ['b.s2', 'b.s3', 'a.s1'],
    );
  });

  it('returns unknown when sequences exist but none is readable, naming the grant', () => {
    const measured = sequenceExhaustion([
      reading('a', { sequences: { ok: true, value: [sequence('s', null, false)] } }),
    ]);
    assert.ok('unknown' in measured);
    assert.match(
      measured.unknown,
      /1 sequence not readable by the monitoring role \(grant pg_read_all_data/,
    );
  });

  it('returns the readable ones and says how many were not', () => {
    const measured = sequenceExhaustion([
      reading('a', {
        sequences: { ok: true, value: [sequence('s', 0.2), sequence('h', null, false)] },
      }),
    ]);
    assert.ok(!('unknown' in measured));
    assert.equal(measured.value, 0.2);
    assert.match(measured.message, /; 1 sequence not readable/);
  });

  it('returns 0 when there is no sequence at all', () => {
    const measured = sequenceExhaustion([reading('a')]);
    assert.ok(!('unknown' in measured));
    assert.equal(measured.value, 0);
  });
});

describe(invalidIndexes.name, () => {
  const index = (name: string, size: number) => ({
    schema: 'public',
    table_name: 't',
    index_name: name,
    size_bytes: size,
  });

  it('returns the count, largest first, and names the databases that could not be read', () => {
    const measured = invalidIndexes([
      reading('a', {
        invalidIndexes: { ok: true, value: [index('small', 8192), index('big', 81920)] },
      }),
      reading('b', { invalidIndexes: failed('permission denied') }),
    ]);
    assert.ok(!('unknown' in measured));
    assert.equal(measured.value, 2);
    assert.deepEqual(
      measured.objects.map((o) => o.index),
      ['big', 'small'],
    );
    assert.match(measured.message, /; not read in 1 database: b \(permission denied\)$/);
  });

  it('returns unknown when no database could be read', () => {
    const measured = invalidIndexes([reading('a', { invalidIndexes: failed('timeout') })]);
    assert.deepEqual(measured, { unknown: 'No database could be read: a (timeout)' });
  });
});

describe(duplicateIndexes.name, () => {
  it('returns each redundant index with the one that covers it', () => {
    const measured = duplicateIndexes([
      reading('a', {
        duplicateIndexes: {
          ok: true,
          value: [
            {
              schema: 'public',
              table_name: 't',
              index_name: 't_a',
              size_bytes: 1,
              covered_by: 't_a_b',
            },
          ],
        },
      }),
    ]);
    assert.ok(!('unknown' in measured));
    assert.equal(measured.value, 1);
    assert.equal(measured.objects[0]?.covered_by, 't_a_b');
  });
});

describe(deadTuples.name, () => {
  it('returns the table with the largest dead share, with its vacuum state', () => {
    const measured = deadTuples([
      reading('a', {
        deadTuples: {
          ok: true,
          value: [
            {
              schema: 'public',
              table_name: 'x',
              live: 50_000,
              dead: 10_000,
              ratio: 10_000 / 60_000,
              last_vacuum_s: null,
              autovacuum_enabled: true,
            },
            {
              schema: 'public',
              table_name: 'y',
              live: 5_000,
              dead: 15_000,
              ratio: 0.75,
              last_vacuum_s: 0,
              autovacuum_enabled: false,
            },
          ],
        },
      }),
    ]);
    assert.ok(!('unknown' in measured));
    assert.equal(measured.value, 0.75);
    assert.equal(measured.objects[0]?.last_vacuum, '1970-01-01T00:00:00.000Z');
    assert.match(
      measured.message,
      /^a: public\.y is 75\.0 % dead rows \(15000 dead, autovacuum off\)$/,
    );
  });
});
