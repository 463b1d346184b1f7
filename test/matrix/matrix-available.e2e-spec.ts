/**
 * The version matrix itself: PostgreSQL 13, 15 and 17 are all there, each configured as the
 * other tests expect. A major that could not start fails here (with PGMON_REQUIRE_DOCKER=1, as
 * in CI, also when Docker or an image is missing), so the matrix cannot shrink silently.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminQuery } from '../support/clusters.js';
import { forEachMajor } from '../support/matrix.js';
import { readTargets } from '../support/targets-info.js';
import { connect, monitorRole } from './helpers.js';

const MAJORS = [13, 15, 17];

describe('the version matrix', () => {
  const { matrix } = readTargets();

  it('covers PostgreSQL 13, 15 and 17', () => {
    assert.deepEqual(matrix.majors, MAJORS);
  });

  const optional = !matrix.required && matrix.missing.every((m) => !m.failed);
  const missing = matrix.missing.map((m) => `PostgreSQL ${m.major}: ${m.reason}`).join('\n');
  it('has a running server of every major', { skip: optional && missing ? missing : false }, () => {
    if (missing) assert.fail(missing);
    assert.deepEqual(
      matrix.servers.map((s) => s.major),
      MAJORS,
    );
  });

  forEachMajor((pg) => {
    it('runs that major', async () => {
      const result = await adminQuery<{ v: number }>(
        pg,
        `select current_setting('server_version_num')::int as v`,
      );
      assert.equal(result.rows[0]?.v, pg.versionNum);
      assert.equal(Math.floor(pg.versionNum / 10_000), pg.major);
    });

    it('has pg_stat_statements preloaded and created in postgres, all statements tracked, I/O timed', async () => {
      const result = await adminQuery<Record<string, string>>(
        pg,
        `select current_setting('shared_preload_libraries') as preload,
                current_setting('pg_stat_statements.track') as track,
                current_setting('track_io_timing') as io_timing,
                (select extversion from pg_extension where extname = 'pg_stat_statements') as version`,
      );
      const row = result.rows[0];
      assert.match(row?.preload ?? '', /pg_stat_statements/);
      assert.equal(row?.track, 'all');
      assert.equal(row?.io_timing, 'on');
      assert.ok(row?.version, 'CREATE EXTENSION pg_stat_statements in postgres');
    });

    it('has appdb, the pg_monitor-only role and the actions role', async () => {
      const result = await adminQuery<{ role: string; member_of: string[] }>(
        pg,
        `select r.rolname as role,
                array(select g.rolname::text from pg_auth_members m
                        join pg_roles g on g.oid = m.roleid
                       where m.member = r.oid order by 1) as member_of
           from pg_roles r where r.rolname in ($1, $2) order by 1`,
        [pg.monitorUser, pg.actionsUser],
      );
      assert.deepEqual(
        result.rows,
        [
          { role: pg.actionsUser, member_of: ['pg_monitor', 'pg_signal_backend'] },
          { role: pg.monitorUser, member_of: ['pg_monitor'] },
        ].sort((a, b) => a.role.localeCompare(b.role)),
      );
      const appdb = await adminQuery(pg, `select 1 from pg_database where datname = 'appdb'`);
      assert.equal(appdb.rowCount, 1);
    });

    it(`authenticates over TCP with ${pg.hostAuth} and refuses a wrong password`, async () => {
      const hash = await adminQuery<{ kind: string }>(
        pg,
        `select case when rolpassword like 'SCRAM-SHA-256$%' then 'scram-sha-256'
                     when rolpassword like 'md5%' then 'md5' end as kind
           from pg_authid where rolname = $1`,
        [pg.monitorUser],
      );
      assert.equal(hash.rows[0]?.kind, pg.hostAuth);
      const client = await connect(pg, monitorRole(pg));
      await client.end();
      await assert.rejects(connect(pg, { user: pg.monitorUser, password: 'wrong' }), {
        code: '28P01',
      });
    });
  });
});
