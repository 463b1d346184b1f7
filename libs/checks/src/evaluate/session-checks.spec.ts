import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockRow } from '#sessions';
import type { FactsRow, SessionRow } from '../reading/server-queries.js';
import { blockedSessions, connectionsSaturation, sessionAge } from './session-checks.js';

const FACTS: FactsRow = {
  version_num: 150004,
  in_recovery: false,
  data_directory: null,
  max_connections: 100,
  reserved_connections: 3,
  client_connections: 0,
};

function session(pid: number, extra: Partial<SessionRow>): SessionRow {
  return {
    pid,
    datname: 'appdb',
    usename: 'app',
    application_name: 'psql',
    state: 'idle',
    query: 'select 1',
    query_s: 0,
    xact_s: null,
    state_s: 0,
    ...extra,
  };
}

describe(connectionsSaturation.name, () => {
  it('returns client connections over max_connections minus the reserved slots', () => {
    const measured = connectionsSaturation({ ...FACTS, client_connections: 97 }, []);
    assert.equal(measured.value, 1);
    assert.equal(connectionsSaturation({ ...FACTS, client_connections: 0 }, []).value, 0);
    assert.match(measured.message, /^97 of 97 connections in use/);
  });

  it('returns the sessions per database as objects, most first', () => {
    const sessions = [
      session(1, { datname: 'a' }),
      session(2, { datname: 'b' }),
      session(3, { datname: 'b' }),
    ];
    const measured = connectionsSaturation({ ...FACTS, client_connections: 4 }, sessions);
    assert.deepEqual(measured.objects, [
      { database: 'b', value: 2 },
      { database: 'a', value: 1 },
    ]);
  });
});

describe(sessionAge.name, () => {
  const levels = { warning: 60, critical: 300 };
  const sessions = [
    session(1, { state: 'active', query_s: 61, xact_s: 61 }),
    session(2, { state: 'active', query_s: 59.9, xact_s: 700 }),
    session(3, { state: 'idle in transaction', query_s: 900, xact_s: 900, state_s: 880 }),
    session(4, { state: 'idle in transaction (aborted)', query_s: 5, xact_s: 5, state_s: 5 }),
    session(5, { state: 'idle', query_s: 5000 }),
  ];

  it('returns the longest active query only, counting those at the warning level or over', () => {
    const measured = sessionAge('long_running_queries', sessions, levels);
    assert.equal(measured.value, 61);
    assert.deepEqual(
      measured.objects.map((o) => o.pid),
      [1, 2],
    );
    assert.match(measured.message, /pid 1 .*1 active query at 60\.0 s or more$/);
  });

  it('returns the oldest transaction of any state', () => {
    const measured = sessionAge('long_transactions', sessions, levels);
    assert.equal(measured.value, 900);
    assert.deepEqual(
      measured.objects.map((o) => o.pid),
      [3, 2, 1, 4],
    );
  });

  it('returns the longest idle-in-transaction time, aborted ones included', () => {
    const measured = sessionAge('idle_in_transaction', sessions, levels);
    assert.equal(measured.value, 880);
    assert.deepEqual(
      measured.objects.map((o) => o.pid),
      [3, 4],
    );
  });

  it('returns 0 when no session is of the kind', () => {
    assert.deepEqual(sessionAge('long_running_queries', [session(9, {})], levels), {
      value: 0,
      message: 'No active query',
      objects: [],
    });
  });

  it('returns the query with password literals masked and cut to 100 characters', () => {
    const secret = session(7, {
      state: 'active',
      query_s: 1,
      query: `alter role x password 'p4ss' ${'y'.repeat(200)}`,
    });
    const [object] = sessionAge('long_running_queries', [secret], levels).objects;
    assert.doesNotMatch(String(object?.query), /p4ss/);
    assert.equal(String(object?.query).length, 100);
  });
});

describe(blockedSessions.name, () => {
  function lock(pid: number, blockedBy: number[], waitingMs: number | null): LockRow {
    return {
      pid,
      backend_start: null,
      usename: 'app',
      datname: 'appdb',
      application_name: null,
      state: 'active',
      query: null,
      xact_start: null,
      blocked_by: blockedBy,
      waiting_ms: waitingMs,
      lock_mode: blockedBy.length > 0 ? 'ShareLock' : null,
      lock_type: blockedBy.length > 0 ? 'transactionid' : null,
      relation_oid: null,
      lock_datname: null,
      relation: null,
    };
  }

  it('returns the longest wait in seconds, and each waiter with whom it waits for', () => {
    const measured = blockedSessions([
      lock(1, [], null),
      lock(2, [1], 4500),
      lock(3, [2, 1], 1200),
    ]);
    assert.equal(measured.value, 4.5);
    assert.deepEqual(
      measured.objects.map((o) => [o.pid, o.blocked_by, o.value, o.lock]),
      [
        [2, '1', 4.5, 'ShareLock on transactionid'],
        [3, '2,1', 1.2, 'ShareLock on transactionid'],
      ],
    );
    assert.match(
      measured.message,
      /^2 sessions waiting for a lock; the longest for 4\.5 s \(pid 2, blocked by 1\)/,
    );
  });

  it('returns 0 when no session waits', () => {
    assert.equal(blockedSessions([lock(1, [], null)]).value, 0);
  });
});
