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
  /** The select item of `column` in the query of `version`. */
  function item(version: number, column: string): string | undefined {
    const { text } = activityQuery(version, { limit: 10 });
    return new RegExp(`[^,\\s][^,]*\\bas ${column}\\b`).exec(text)?.[0];
  }

  /** Each major pgmon supports: its first and a late server_version_num, and what it has. */
  const MAJORS = [10, 11, 12, 13, 14, 15, 16, 17, 18].map((major) => ({
    major,
    versions: [major * 10_000, major * 10_000 + 23],
    leaderPid: major >= 13,
    queryId: major >= 14,
  }));

  for (const { major, versions, leaderPid, queryId } of MAJORS) {
    it(`returns leader_pid ${leaderPid ? 'read' : 'null'} and query_id ${queryId ? 'read (as text: a 64-bit id)' : 'null'} on PostgreSQL ${major}`, () => {
      for (const version of versions) {
        assert.equal(
          item(version, 'leader_pid'),
          leaderPid ? 'leader_pid::int as leader_pid' : 'null::int as leader_pid',
        );
        assert.equal(
          item(version, 'query_id'),
          queryId ? 'query_id::text as query_id' : 'null::text as query_id',
        );
      }
    });
  }

  it('returns the same columns on every version', () => {
    const columns = (version: number) =>
      [...activityQuery(version, { limit: 1 }).text.matchAll(/\bas (\w+)/g)].map((m) => m[1]);
    for (const { versions } of MAJORS) assert.deepEqual(columns(versions[0] ?? 0), columns(180000));
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
