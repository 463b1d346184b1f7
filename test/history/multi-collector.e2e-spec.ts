/**
 * Two API processes' collectors on one PostgreSQL store (same DATABASE_URL, same keys) running
 * at the same time: every slot of every server is sampled once, never twice, and the claims
 * never collide.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CollectorService } from '#collector';
import { StoreService } from '#store';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { OutputCapture } from '../support/output-capture.js';
import { sleep } from '../support/proc.js';
import { monitorBody } from '../support/server-bodies.js';
import { HistoryClient, sampleTimes, targets } from './helpers.js';

const RUN_MS = 12_000;

describe('CollectorService', () => {
  const apis: TestApi[] = [];
  let storeDatabase: TestDatabase;
  const output = new OutputCapture('app-log');
  const servers = [
    uniqueName('hist-multi-a'),
    uniqueName('hist-multi-b'),
    uniqueName('hist-multi-c'),
  ];
  const serverIds: number[] = [];
  /** Every (server, claimed_by) seen while both ran. */
  const claims = new Set<string>();

  before(async () => {
    storeDatabase = await createDatabase(targets.pg.main, 'hist_multi_store');
    const shared = {
      DATABASE_URL: storeDatabase.url,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      COLLECT_INTERVAL: '5',
      COLLECTOR_ENABLED: 'false',
      LOG_LEVEL: 'WARNING',
    };
    output.start();
    // The servers are added before the collectors start, so both find all of them due.
    const setup = await startTestApi(shared);
    const admin = new HistoryClient(setup, await setup.adminToken());
    await admin.createServer(monitorBody(servers[0] ?? '', targets.pg.main));
    await admin.createServer(monitorBody(servers[1] ?? '', targets.pg.stats));
    await admin.createServer(monitorBody(servers[2] ?? '', targets.pg.main, { database: 'appdb' }));
    for (const name of servers) serverIds.push(await admin.serverId(name));
    await setup.close();

    for (let n = 0; n < 2; n++)
      apis.push(await startTestApi({ ...shared, COLLECTOR_ENABLED: 'true' }));
    const store = apis[0]?.app.get(StoreService);
    assert.ok(store);
    const until = Date.now() + RUN_MS;
    while (Date.now() < until) {
      const rows = await store.db
        .selectFrom('collector_state')
        .select(['server_id', 'claimed_by'])
        .execute();
      for (const row of rows)
        if (row.claimed_by) claims.add(`${Number(row.server_id)} ${row.claimed_by}`);
      await sleep(100);
    }
  });

  after(async () => {
    for (const api of apis) await api.close();
    output.stop();
    await storeDatabase?.drop();
  });

  describe('two collectors on one store', () => {
    it('returns each database sampled at least twice, never twice in one slot', async () => {
      const [api] = apis;
      assert.ok(api);
      for (const id of serverIds) {
        const times = await sampleTimes(api, id);
        // Other test files create and drop databases on these clusters meanwhile: only the
        // permanent ones are sure to be there for every sample.
        for (const datname of ['postgres', 'appdb']) {
          const count = times.get(datname)?.length ?? 0;
          assert.ok(count >= 2, `${datname} of server ${id}: ${count} samples`);
        }
        for (const [datname, list] of times) {
          for (let k = 1; k < list.length; k++) {
            const gap = (list[k] ?? 0) - (list[k - 1] ?? 0);
            assert.ok(gap >= 4000, `${datname} of server ${id} sampled ${gap} ms apart`);
          }
        }
      }
    });

    it('returns claims by the two collectors only', (t) => {
      const owners = new Set([...claims].map((claim) => claim.slice(claim.indexOf(' ') + 1)));
      const ids = new Set(apis.map((api) => api.app.get(CollectorService).instanceId));
      assert.equal(ids.size, 2, 'two distinct collector ids');
      assert.ok(owners.size >= 1);
      for (const owner of owners) assert.ok(ids.has(owner), `unknown claimer ${owner}`);
      // Which collector wins a slot depends on whose tick comes first: usually both win some.
      t.diagnostic(`claims seen: ${claims.size}, by ${owners.size} collector(s)`);
    });

    it('logs no unique violation and no failed scheduling or sample', () => {
      assert.deepEqual(output.lines(/duplicate key|unique|UNIQUE/), []);
      assert.deepEqual(output.lines(/Scheduling failed|sampling failed/), []);
    });

    it('returns the schedule of each server once, healthy', async () => {
      const [api] = apis;
      assert.ok(api);
      const client = new HistoryClient(api, await api.adminToken());
      const status = await client.collectorStatus();
      for (const name of servers) {
        const entries = status.servers.filter((server) => server.server === name);
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.healthy, true, JSON.stringify(entries[0]));
      }
    });
  });
});
