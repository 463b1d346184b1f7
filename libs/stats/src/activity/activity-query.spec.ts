import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityQuery, MAX_QUERY_CHARS, type ActivityFilters } from './activity-query.js';

/** The value bound to the placeholder that follows `prefix` in the SQL text. */
function boundAfter(query: { text: string; values: unknown[] }, prefix: RegExp): unknown {
  const match = new RegExp(`${prefix.source}\\s*\\$(\\d+)`).exec(query.text);
  if (!match) return undefined;
  return query.values[Number(match[1]) - 1];
}

function placeholders(text: string): number[] {
  return [...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
}

const OPTIONAL: Partial<ActivityFilters>[] = [
  { state: 'active' },
  { datname: 'app db' },
  { minDurationMs: 250 },
];

/** Every combination of the optional filters (2^3), each with a limit. */
function combinations(): ActivityFilters[] {
  const all: ActivityFilters[] = [];
  for (let mask = 0; mask < 1 << OPTIONAL.length; mask++) {
    const filters: ActivityFilters = { limit: 17 };
    OPTIONAL.forEach((part, bit) => {
      if (mask & (1 << bit)) Object.assign(filters, part);
    });
    all.push(filters);
  }
  return all;
}

describe('activityQuery', () => {
  it('returns no leader_pid and no query_id before PostgreSQL 13', () => {
    for (const version of [100000, 120017, 129999]) {
      const { text } = activityQuery(version, { limit: 10 });
      assert.doesNotMatch(text, /leader_pid/);
      assert.doesNotMatch(text, /query_id/);
    }
  });

  it('returns leader_pid but no query_id on PostgreSQL 13', () => {
    for (const version of [130000, 130014, 139999]) {
      const { text } = activityQuery(version, { limit: 10 });
      assert.match(text, /, leader_pid/);
      assert.doesNotMatch(text, /query_id/);
    }
  });

  it('returns leader_pid and query_id from PostgreSQL 14 on', () => {
    for (const version of [140000, 150004, 180000]) {
      const { text } = activityQuery(version, { limit: 10 });
      assert.match(text, /, leader_pid/);
      assert.match(text, /query_id::text as query_id/);
    }
  });

  it('returns no where clause without filters', () => {
    const query = activityQuery(150000, { limit: 10 });
    assert.doesNotMatch(query.text, /\bwhere\b/);
    assert.deepEqual(query.values, [MAX_QUERY_CHARS + 1, 10]);
  });

  for (const filters of combinations()) {
    it(`returns parameters numbered 1..n for ${JSON.stringify(filters)}`, () => {
      const query = activityQuery(150000, filters);
      const used = placeholders(query.text);
      assert.deepEqual(
        [...new Set(used)].sort((a, b) => a - b),
        Array.from({ length: query.values.length }, (_, i) => i + 1),
        'every value is used and every placeholder has a value',
      );
      assert.equal(used.length, query.values.length, 'each placeholder appears once');
      assert.equal(boundAfter(query, /left\(query,/), MAX_QUERY_CHARS + 1);
      assert.equal(boundAfter(query, /\blimit/), filters.limit);
      assert.equal(boundAfter(query, /\bstate =/), filters.state);
      assert.equal(boundAfter(query, /\bdatname =/), filters.datname);
      assert.equal(boundAfter(query, /clock_timestamp\(\) -/), filters.minDurationMs);
      const conditions = [filters.state, filters.datname, filters.minDurationMs].filter(
        (value) => value !== undefined,
      ).length;
      assert.equal(query.text.split(' and ').length - 1, Math.max(0, conditions - 1));
      assert.equal(/\bwhere\b/.test(query.text), conditions > 0);
    });
  }

  it('returns a duration filter for min_duration_ms 0 too', () => {
    const query = activityQuery(150000, { minDurationMs: 0, limit: 5 });
    assert.equal(boundAfter(query, /clock_timestamp\(\) -/), 0);
  });

  it('returns the filter values only as parameters, never in the SQL text', () => {
    const hostile = "x' or 1=1; drop table t; --";
    const query = activityQuery(150000, { state: hostile, datname: hostile, limit: 1 });
    assert.ok(!query.text.includes(hostile));
    assert.deepEqual(query.values.filter((value) => value === hostile).length, 2);
  });
});
