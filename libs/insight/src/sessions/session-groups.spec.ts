import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketAverages,
  groupTotals,
  isoMicros,
  nameKey,
  queryKey,
  waitEventKey,
} from './session-groups.js';

describe(waitEventKey.name, () => {
  it('returns type:event for a waiting session', () => {
    assert.equal(waitEventKey('active', 'Lock', 'transactionid'), 'Lock:transactionid');
    assert.equal(waitEventKey('active', 'Timeout', 'PgSleep'), 'Timeout:PgSleep');
    assert.equal(waitEventKey('idle in transaction', 'Client', 'ClientRead'), 'Client:ClientRead');
  });

  it('returns CPU for an active session waiting on nothing, else the state', () => {
    assert.equal(waitEventKey('active', null, null), 'CPU');
    assert.equal(
      waitEventKey('idle in transaction (aborted)', null, null),
      'idle in transaction (aborted)',
    );
  });
});

describe(queryKey.name, () => {
  it('returns the query_id, else the text (cut), else (none)', () => {
    assert.equal(queryKey('-42', 'select 1'), '-42');
    assert.equal(queryKey(null, 'select 1'), 'select 1');
    assert.equal(queryKey(null, 'x'.repeat(500)).length, 200);
    assert.equal(queryKey(null, null), '(none)');
  });
});

describe(nameKey.name, () => {
  it('returns (none) for an empty or missing name', () => {
    assert.equal(nameKey(''), '(none)');
    assert.equal(nameKey(null), '(none)');
    assert.equal(nameKey('psql'), 'psql');
  });
});

describe(bucketAverages.name, () => {
  it('returns the average number of sessions per group over the bucket’s samples', () => {
    const groups = new Map([
      ['CPU', 7],
      ['Lock:transactionid', 18],
    ]);
    assert.deepEqual(bucketAverages({ ts: 0, samples: 6, groups }), {
      CPU: 1.167,
      'Lock:transactionid': 3,
    });
  });

  it('returns no group for a bucket without sessions', () => {
    assert.deepEqual(bucketAverages({ ts: 0, samples: 3, groups: new Map() }), {});
  });
});

describe(groupTotals.name, () => {
  it('returns sessions seen and the average over the whole period, most first', () => {
    const totals = groupTotals([
      { ts: 0, samples: 30, groups: new Map([['CPU', 12]]) },
      {
        ts: 1,
        samples: 30,
        groups: new Map([
          ['CPU', 6],
          ['Lock:transactionid', 54],
        ]),
      },
    ]);
    assert.deepEqual(totals, [
      { key: 'Lock:transactionid', samples: 54, avg_active_sessions: 0.9 },
      { key: 'CPU', samples: 18, avg_active_sessions: 0.3 },
    ]);
  });
});

describe(isoMicros.name, () => {
  it('returns ISO 8601 with microseconds', () => {
    assert.equal(isoMicros(1_796_141_659_690_094), '2026-12-01T16:14:19.690094Z');
    assert.equal(isoMicros(1_796_141_659_000_001), '2026-12-01T16:14:19.000001Z');
    assert.equal(isoMicros(null), null);
  });
});
