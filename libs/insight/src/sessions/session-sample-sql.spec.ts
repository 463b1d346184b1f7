import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionSampleSql } from './session-sample-sql.js';

describe(sessionSampleSql.name, () => {
  for (const versionNum of [100023, 110022, 120022, 130018]) {
    it(`returns no query_id column for PostgreSQL ${Math.floor(versionNum / 10000)}`, () => {
      assert.match(sessionSampleSql(versionNum), /null::text as query_id/);
    });
  }
  for (const versionNum of [140015, 150010, 160006, 170002, 180000]) {
    it(`returns query_id for PostgreSQL ${Math.floor(versionNum / 10000)}`, () => {
      assert.match(sessionSampleSql(versionNum), /nullif\(query_id, 0\)::text as query_id/);
    });
  }

  it('returns non-idle sessions except pgmon’s own and the sampling connection', () => {
    const text = sessionSampleSql(150010);
    assert.match(text, /state <> 'idle'/);
    assert.match(text, /pid <> pg_backend_pid\(\)/);
    assert.match(text, /not in \('pgmon', 'pgmon-store'\)/);
  });

  it('asks pg_blocking_pids only for sessions waiting on a lock', () => {
    assert.match(
      sessionSampleSql(150010),
      /case when wait_event_type = 'Lock' then pg_blocking_pids\(pid\) end/,
    );
  });
});
