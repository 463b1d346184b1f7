import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoMicros, locksQuery } from './locks-query.js';

describe(locksQuery.name, () => {
  it('returns a query timing waits from pg_locks.waitstart on PostgreSQL 14 and later', () => {
    assert.match(locksQuery(140000), /l\.waitstart as wait_start/);
    assert.match(locksQuery(170002), /l\.waitstart as wait_start/);
  });

  it('returns a query without pg_locks.waitstart before 14 (the column does not exist)', () => {
    assert.doesNotMatch(locksQuery(130014), /waitstart/);
    assert.doesNotMatch(locksQuery(100000), /waitstart/);
  });

  it('returns a query that calls pg_blocking_pids only for sessions with an ungranted lock', () => {
    assert.match(
      locksQuery(150000),
      /pg_blocking_pids\(w\.pid\)[\s\S]*from \(select distinct pid from waiting\)/,
    );
  });
});

describe(isoMicros.name, () => {
  it('returns a UTC ISO 8601 format with microseconds', () => {
    assert.equal(
      isoMicros('a.backend_start'),
      `to_char(a.backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
  });
});
