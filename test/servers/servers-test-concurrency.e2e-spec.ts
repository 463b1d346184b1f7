/**
 * POST /servers/{name}/test opens at most a small fixed number of connections to one target at
 * once: concurrent checks of one server share the running check, and at most two checks of one
 * host:port run at once. Counted on the real cluster (pg_stat_activity) during 100 parallel
 * calls, as a role of this file alone so that other test files do not blur the count.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminQuery, superuserClient } from '../support/clusters.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { monitorBody } from '../support/server-bodies.js';
import { ServersClient, targets } from './helpers.js';

const { main } = targets.pg;
const PARALLEL = 100;
/** Fresh connections pgmon may hold to one target for /test (README: at most 2). */
const MAX_CHECK_CONNECTIONS = 2;
const ROLE = `pgmon_conc_${randomBytes(4).toString('hex')}`;
const PASSWORD = randomBytes(12).toString('base64url');

/** Polls pgmon's backends of ROLE until `stop` resolves; returns the most seen at once. */
async function peakBackends(stop: Promise<unknown>): Promise<number> {
  const client = await superuserClient(main);
  let done = false;
  void stop.finally(() => (done = true));
  let peak = 0;
  try {
    while (!done) {
      const result = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where application_name = 'pgmon' and usename = $1`,
        [ROLE],
      );
      peak = Math.max(peak, result.rows[0]?.n ?? 0);
    }
  } finally {
    await client.end();
  }
  return peak;
}

describe('ServersController', () => {
  let api: TestApi;
  let operator: ServersClient;

  /** 100 parallel checks spread over `names`; the peak of backends and every answer. */
  async function burst(names: string[]): Promise<{ peak: number; statuses: string[] }> {
    const calls = Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => operator.test(names[i % names.length] ?? '')),
    );
    const [peak, responses] = await Promise.all([peakBackends(calls), calls]);
    for (const response of responses) assert.equal(response.status, 200, response.text);
    return { peak, statuses: responses.map((r) => (r.body as { status: string }).status) };
  }

  before(async () => {
    await adminQuery(main, `create role ${ROLE} login password '${PASSWORD}'`);
    await adminQuery(main, `grant pg_monitor to ${ROLE}`);
    api = await startTestApi({
      COLLECTOR_ENABLED: 'false',
      // No pooled connection stays open: every backend counted is one /test opened.
      POOL_DEFAULT_MIN: '0',
      POOL_IDLE_TIMEOUT: '1',
    });
    operator = new ServersClient(api, await api.userToken('concurrency-operator', 'operator'));
  });

  after(async () => {
    await api?.close();
    await adminQuery(
      main,
      `select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`,
      [ROLE],
    );
    await adminQuery(main, `drop role if exists ${ROLE}`);
  });

  describe('POST /servers/{server_name}/test', () => {
    it(`opens at most ${MAX_CHECK_CONNECTIONS} connections for ${PARALLEL} parallel checks of one server`, async () => {
      const name = uniqueName('conc-one');
      await operator.created({ ...monitorBody(name), user: ROLE, password: PASSWORD });
      await sleep(1500);
      const { peak, statuses } = await burst([name]);
      assert.ok(peak <= MAX_CHECK_CONNECTIONS, `${peak} backends at once`);
      assert.ok(peak >= 1, 'the counter saw the checks');
      assert.deepEqual(new Set(statuses), new Set(['ok']));
    });

    it(`opens at most ${MAX_CHECK_CONNECTIONS} connections for ${PARALLEL} parallel checks of five servers on one target`, async () => {
      const names = Array.from({ length: 5 }, () => uniqueName('conc-many'));
      for (const name of names) {
        await operator.created({ ...monitorBody(name), user: ROLE, password: PASSWORD });
      }
      await sleep(1500);
      const { peak, statuses } = await burst(names);
      assert.ok(peak <= MAX_CHECK_CONNECTIONS, `${peak} backends at once`);
      assert.deepEqual(new Set(statuses), new Set(['ok']));
    });
  });
});
