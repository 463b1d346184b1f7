import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duplicateIndexesQuery } from './database-queries.js';
import { checkpointsQuery, slotsQuery } from './server-queries.js';

describe(checkpointsQuery.name, () => {
  it('returns pg_stat_checkpointer (num_timed, num_requested) from PostgreSQL 17 on', () => {
    for (const version of [170000, 170004, 180000]) {
      assert.match(
        checkpointsQuery(version),
        /num_timed.*num_requested.*from pg_stat_checkpointer$/,
      );
    }
  });

  it('returns pg_stat_bgwriter (checkpoints_timed, checkpoints_req) before 17', () => {
    for (const version of [100000, 130014, 160008]) {
      assert.match(
        checkpointsQuery(version),
        /checkpoints_timed.*checkpoints_req.*from pg_stat_bgwriter$/,
      );
    }
  });
});

describe(slotsQuery.name, () => {
  it('returns wal_status from PostgreSQL 13 on, null before', () => {
    assert.match(slotsQuery(130000), /active, wal_status as wal_status/);
    assert.match(slotsQuery(120015), /null::text as wal_status/);
  });
});

describe(duplicateIndexesQuery.name, () => {
  it('returns key columns without INCLUDE (indnkeyatts) from PostgreSQL 11 on, indnatts before', () => {
    assert.match(duplicateIndexesQuery(110000), /x\.indnkeyatts as nkeys/);
    assert.match(duplicateIndexesQuery(100023), /x\.indnatts as nkeys/);
  });
});
