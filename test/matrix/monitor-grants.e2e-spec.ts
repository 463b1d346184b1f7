/**
 * The monitoring role's grants on every major of the version matrix: a role with only
 * pg_monitor runs pgmon's own status and activity queries, reads data_directory, every
 * session's query text, pg_stat_statements of every role and every database's size, and needs
 * no superuser; pg_stat_file (database creation times) stays denied to it. The actions role
 * (pg_monitor + pg_signal_backend) cancels another role's query but not a superuser's.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { activityQuery, STATUS_SQL } from '#stats';
import { adminQuery } from '../support/clusters.js';
import { forEachMajor } from '../support/matrix.js';
import {
  actionsRole,
  connect,
  monitorRole,
  startSleeper,
  superuser,
  type Sleeper,
} from './helpers.js';

describe('the monitoring role', { concurrency: true }, () => {
  forEachMajor((server) => {
    let monitor: pg.Client;

    before(async () => {
      monitor = await connect(server, monitorRole(server));
    });

    after(async () => {
      await monitor?.end();
    });

    it('is no superuser, and a member of pg_monitor and what it grants', async () => {
      const result = await monitor.query<Record<string, boolean>>(
        `select rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
                pg_has_role('pg_read_all_settings', 'member') as read_all_settings,
                pg_has_role('pg_read_all_stats', 'member') as read_all_stats,
                pg_has_role('pg_stat_scan_tables', 'member') as stat_scan_tables,
                pg_has_role('pg_signal_backend', 'member') as signal_backend
           from pg_roles where rolname = current_user`,
      );
      assert.deepEqual(result.rows[0], {
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
        read_all_settings: true,
        read_all_stats: true,
        stat_scan_tables: true,
        signal_backend: false,
      });
    });

    it("runs pgmon's status query: version, data_directory and connections", async () => {
      const result = await monitor.query<{
        version_num: number;
        data_directory: string | null;
        connections: Record<string, number>;
      }>(STATUS_SQL);
      const row = result.rows[0];
      assert.equal(row?.version_num, server.versionNum);
      assert.equal(row?.data_directory, server.dataDir);
      assert.ok((row?.connections.active ?? 0) >= 1);
    });

    describe('with a superuser session running select pg_sleep', () => {
      let sleeper: Sleeper;

      before(async () => {
        sleeper = await startSleeper(server, superuser(server), { seconds: 30 });
      });

      after(async () => {
        await sleeper?.stop();
      });

      it("runs pgmon's activity query and sees that session's query text", async () => {
        const query = activityQuery(server.versionNum, { limit: 1000 });
        const result = await monitor.query<{ pid: number; query: string | null }>(
          query.text,
          query.values,
        );
        const seen = result.rows.find((row) => row.pid === sleeper.pid);
        assert.equal(seen?.query, sleeper.sql);
      });

      it("may not cancel a superuser's query with pg_signal_backend", async () => {
        const actions = await connect(server, actionsRole(server));
        try {
          // 13-15: "must be a superuser to cancel superuser query"; 16+: "permission denied
          // to cancel query" with a detail. The code is the same.
          await assert.rejects(actions.query('select pg_cancel_backend($1)', [sleeper.pid]), {
            code: '42501',
          });
        } finally {
          await actions.end();
        }
      });
    });

    it('reads pg_stat_statements of other roles with their query text', async () => {
      const marker = `matrix_${randomBytes(6).toString('hex')}`;
      await adminQuery(server, `select count(*) as ${marker} from pg_class`);
      const result = await monitor.query<{ query: string; calls: string }>(
        `select query, calls::text as calls from pg_stat_statements where query like $1`,
        [`%${marker}%`],
      );
      assert.equal(result.rows.length, 1, JSON.stringify(result.rows));
      assert.match(result.rows[0]?.query ?? '', new RegExp(`as ${marker} from pg_class`));
    });

    it('reads the size of every database', async () => {
      const result = await monitor.query<{ datname: string; size: string }>(
        `select datname, pg_database_size(oid)::text as size
           from pg_database where not datistemplate`,
      );
      assert.ok(result.rows.some((row) => row.datname === 'appdb'));
      for (const row of result.rows) assert.ok(Number(row.size) > 0, row.datname);
    });

    it('may not call pg_stat_file: database creation times stay unknown', async () => {
      await assert.rejects(monitor.query(`select pg_stat_file('PG_VERSION')`), {
        code: '42501',
      });
    });

    describe('the actions role (pg_monitor + pg_signal_backend)', () => {
      it("cancels another role's query", async () => {
        const sleeper = await startSleeper(server, monitorRole(server), { seconds: 30 });
        const actions = await connect(server, actionsRole(server));
        try {
          const result = await actions.query<{ done: boolean }>(
            'select pg_cancel_backend($1) as done',
            [sleeper.pid],
          );
          assert.equal(result.rows[0]?.done, true);
          const error = await sleeper.done;
          assert.equal((error as { code?: string } | undefined)?.code, '57014');
        } finally {
          await actions.end();
          await sleeper.stop();
        }
      });
    });
  });
});
