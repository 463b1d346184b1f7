/**
 * Checks that need settings no shared cluster may have, on a cluster of this file's own:
 * connections against a low max_connections, cache misses with tiny shared_buffers, requested
 * checkpoints, and a server without pg_stat_statements.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { ChecksModule } from '#checks';
import { startTestApi, type TestApi } from '../support/api.js';
import { adminQuery, createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';
import { connectAs, createRole, endAll, type TestRole } from '../sessions/session-clients.js';
import { addServer, assertStatus, runChecks } from './check-runs.js';
import { startPrivateCluster, type PrivateCluster } from './private-cluster.js';

const MAX_CONNECTIONS = 20;
const RESERVED = 3;

describe(ChecksModule.name, () => {
  describe('on a cluster with max_connections 20 and 1 MB of shared_buffers', () => {
    let cluster: PrivateCluster;
    let api: TestApi;
    let serverId: number;
    let database: TestDatabase;
    let app: TestRole;
    const name = uniqueName('checks-small');
    const clients: pg.Client[] = [];

    before(async () => {
      cluster = await startPrivateCluster('checks-small', [
        `max_connections = ${MAX_CONNECTIONS}`,
        `superuser_reserved_connections = ${RESERVED}`,
        'shared_buffers = 1MB',
      ]);
      api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
      serverId = await addServer(api, monitorBody(name, cluster));
      database = await createDatabase(cluster, 'checks_small');
      app = await createRole(cluster, 'checks_app');
    });

    after(async () => {
      await endAll(clients);
      await api?.close();
      await cluster?.stop();
    });

    it('returns connections_saturation critical when client connections fill what is left to non-superusers', async () => {
      const usable = MAX_CONNECTIONS - RESERVED;
      // pgmon holds one pooled connection and opens one more per database it visits.
      const opened = usable - 2;
      for (let n = 0; n < opened; n++) clients.push(await connectAs(cluster, app, database.name));
      const checks = await runChecks(api, serverId, name);
      const check = assertStatus(checks.connections_saturation, 'critical');
      assert.ok((check.value ?? 0) >= (opened + 1) / usable, JSON.stringify(check));
      assert.match(check.message, new RegExp(`of ${usable} connections in use`));
      assert.ok(
        check.objects.some(
          (object) => object.database === database.name && Number(object.value) >= opened,
        ),
      );
      await endAll(clients.splice(0));
      const after = await runChecks(api, serverId, name);
      assertStatus(after.connections_saturation, 'ok');
    });

    it('returns cache_hit_ratio critical for a database whose reads miss shared_buffers', async () => {
      const sql = (text: string) => adminQuery(cluster, text, [], database.name);
      await sql('create table wide (id int, pad text)');
      await sql('alter table wide alter column pad set storage plain');
      await sql(
        `insert into wide select g, repeat(md5(g::text), 59) from generate_series(1, 2000) g`,
      );
      // Each scan of the ~4 MB table reads it through a small ring of buffers: nearly all misses.
      for (let n = 0; n < 20; n++) await sql('select count(*) from wide');
      const check = assertStatus(
        (await runChecks(api, serverId, name)).cache_hit_ratio,
        'critical',
      );
      assert.equal(check.objects[0]?.database, database.name, JSON.stringify(check));
      assert.ok((check.value ?? 1) < 0.9);
    });

    it('returns checkpoints_requested critical when checkpoints are forced rather than timed', async () => {
      for (let n = 0; n < 10; n++) await adminQuery(cluster, 'checkpoint');
      const check = assertStatus(
        (await runChecks(api, serverId, name)).checkpoints_requested,
        'critical',
      );
      assert.ok((check.value ?? 0) >= 0.9, JSON.stringify(check));
    });

    it('returns statements_available warning, with what to do, when pg_stat_statements is not preloaded', async () => {
      const check = assertStatus(
        (await runChecks(api, serverId, name)).statements_available,
        'warning',
      );
      assert.equal(check.value, 0);
      assert.match(check.hint, /shared_preload_libraries/);
    });
  });
});
