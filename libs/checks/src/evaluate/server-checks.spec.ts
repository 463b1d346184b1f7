import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_BLOCK_ACCESSES, MIN_CHECKPOINTS } from '../catalog.js';
import type { DatabaseRow, SlotRow } from '../reading/server-queries.js';
import {
  cacheHitRatio,
  checkpointsRequested,
  inactiveSlots,
  replicationLag,
  statementsAvailable,
  unreachable,
  XID_LIMIT,
  xidWraparound,
} from './server-checks.js';

function database(datname: string, extra: Partial<DatabaseRow>): DatabaseRow {
  return {
    datname,
    datallowconn: true,
    datistemplate: false,
    can_connect: true,
    xid_age: 1000,
    blks_hit: 0,
    blks_read: 0,
    ...extra,
  };
}

describe(xidWraparound.name, () => {
  it('returns the oldest database’s age over 2^31, oldest first', () => {
    const measured = xidWraparound([
      database('a', { xid_age: XID_LIMIT / 4 }),
      database('b', { xid_age: XID_LIMIT / 2 }),
    ]);
    assert.equal(measured.value, 0.5);
    assert.deepEqual(
      measured.objects.map((o) => [o.database, o.value]),
      [
        ['b', 0.5],
        ['a', 0.25],
      ],
    );
  });
});

describe(cacheHitRatio.name, () => {
  it(`returns the lowest ratio among databases with at least ${MIN_BLOCK_ACCESSES} block reads`, () => {
    const measured = cacheHitRatio([
      database('busy', { blks_hit: 9000, blks_read: 1000 }),
      database('quiet', { blks_hit: 1, blks_read: MIN_BLOCK_ACCESSES - 2 }),
      database('good', { blks_hit: 99_990, blks_read: 10 }),
    ]);
    assert.equal(measured.value, 0.9);
    assert.deepEqual(
      measured.objects.map((o) => o.database),
      ['busy', 'good'],
    );
  });

  it('returns no value (ok) when no database has been read enough to judge', () => {
    assert.equal(cacheHitRatio([database('quiet', { blks_hit: 0, blks_read: 100 })]).value, null);
  });
});

describe(replicationLag.name, () => {
  it('returns the standby furthest behind of a primary, in bytes', () => {
    const measured = replicationLag({
      role: 'primary',
      standbys: [
        {
          application_name: 'near',
          client_addr: null,
          state: 'streaming',
          lag_bytes: 10,
          lag_s: 0,
        },
        {
          application_name: 'far',
          client_addr: null,
          state: 'streaming',
          lag_bytes: 6_400_000,
          lag_s: 1.2,
        },
      ],
    });
    assert.equal(measured.value, 6_400_000);
    assert.equal(measured.objects[0]?.standby, 'far');
  });

  it('returns 0 for a primary without standbys', () => {
    assert.equal(replicationLag({ role: 'primary', standbys: [] }).value, 0);
  });

  it('returns a standby’s own lag, saying when replay is paused', () => {
    const measured = replicationLag({
      role: 'standby',
      recovery: { lag_bytes: 2048, lag_s: 3, paused: true, receiver: 'streaming' },
    });
    assert.equal(measured.value, 2048);
    assert.match(measured.message, /replay paused, WAL receiver streaming/);
  });
});

describe(inactiveSlots.name, () => {
  const slot = (name: string, active: boolean, retained: number): SlotRow => ({
    slot_name: name,
    slot_type: 'physical',
    database: null,
    active,
    wal_status: 'reserved',
    retained_bytes: retained,
  });

  it('returns the number of inactive slots, the one keeping the most WAL first', () => {
    const measured = inactiveSlots([
      slot('used', true, 0),
      slot('small', false, 10),
      slot('big', false, 2 ** 30),
    ]);
    assert.equal(measured.value, 2);
    assert.deepEqual(
      measured.objects.map((o) => o.slot),
      ['big', 'small'],
    );
    assert.match(measured.message, /^2 inactive slots keeping 1\.0 GiB of WAL: big, small$/);
  });
});

describe(checkpointsRequested.name, () => {
  it(`returns no value below ${MIN_CHECKPOINTS} checkpoints, the requested share from there`, () => {
    assert.equal(checkpointsRequested({ timed: 0, requested: MIN_CHECKPOINTS - 1 }).value, null);
    assert.equal(checkpointsRequested({ timed: 6, requested: 4 }).value, 0.4);
  });
});

describe(statementsAvailable.name, () => {
  it('returns 1 when the view answers', () => {
    assert.equal(
      statementsAvailable({ created: true, preloaded: true, readable: true }, 'postgres').value,
      1,
    );
  });

  it('returns 0 with the step that is missing', () => {
    const notLoaded = statementsAvailable({ created: false, preloaded: false }, 'appdb');
    assert.equal(notLoaded.value, 0);
    assert.match(
      notLoaded.hint ?? '',
      /shared_preload_libraries.*CREATE EXTENSION pg_stat_statements in database appdb/,
    );
    const notCreated = statementsAvailable({ created: false, preloaded: true }, 'appdb');
    assert.equal(notCreated.hint, 'Run CREATE EXTENSION pg_stat_statements in database appdb.');
  });
});

describe(unreachable.name, () => {
  it('returns critical with the failure’s words', () => {
    const measured = unreachable({
      code: 'connection_refused',
      reason: 'connection refused',
      message: 'nothing accepts connections on h:1',
    });
    assert.equal(measured.status, 'critical');
    assert.equal(
      measured.message,
      'PostgreSQL: connection refused (nothing accepts connections on h:1)',
    );
  });
});
