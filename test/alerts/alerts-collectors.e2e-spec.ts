/**
 * Two collectors (two API processes' collectors) on one PostgreSQL store evaluate the same
 * servers' alerts and share one outbox: each state change reaches the receiver once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AlertsModule } from '#alerts';
import { CollectorService } from '#collector';
import { StoreService } from '#store';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { eventually } from '../support/timing.js';
import { AlertsClient, startAlertingApi, targets, unreachableBody } from './alerts-client.js';
import { WebhookReceiver, type PgmonMessage } from './receivers.js';

const SERVERS = 3;

/** The statuses each alert id got, in order. */
function statusesByAlert(messages: PgmonMessage[]): Map<number, string[]> {
  const byAlert = new Map<number, string[]>();
  for (const message of messages) {
    byAlert.set(message.alert.id, [...(byAlert.get(message.alert.id) ?? []), message.status]);
  }
  return byAlert;
}

describe(AlertsModule.name, () => {
  describe('two collectors on one PostgreSQL store', () => {
    const collectors: TestApi[] = [];
    let store: TestDatabase;
    let receiver: WebhookReceiver;
    const names = Array.from({ length: SERVERS }, () => uniqueName('alerts-two'));

    before(async () => {
      store = await createDatabase(targets.pg.main, 'alerts_two');
      receiver = await WebhookReceiver.start();
      const shared = {
        DATABASE_URL: store.url,
        SECRET_KEY: randomBytes(32).toString('base64url'),
        ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      };
      const setup = await startTestApi({ ...shared, COLLECTOR_ENABLED: 'false' });
      const client = await AlertsClient.admin(setup);
      await client.putRule('server_reachable', { for_s: 0 });
      await client.addChannel({ name: 'oncall', type: 'webhook', url: receiver.url() });
      for (const name of names) await client.addServer(unreachableBody(name));
      await setup.close();
      for (let n = 0; n < 2; n++) collectors.push(await startAlertingApi(shared));
    });

    after(async () => {
      for (const api of collectors) await api.close();
      await receiver?.close();
      await store?.drop();
    });

    it('returns one firing message per alert', async () => {
      await eventually(
        () => Promise.resolve(receiver.accepted().length),
        (n) => n >= SERVERS,
        10_000,
        'a firing message per server',
      );
      await sleep(4000);
      const byAlert = statusesByAlert(receiver.accepted());
      assert.equal(byAlert.size, SERVERS);
      for (const statuses of byAlert.values()) assert.deepEqual(statuses, ['firing']);
      assert.equal(receiver.posts.length, SERVERS);
    });

    it('returns one resolved message per alert once the servers answer', async () => {
      const [api] = collectors;
      assert.ok(api);
      const token = await api.adminToken();
      const main = targets.pg.main;
      for (const name of names) {
        const moved = await api.http
          .put(`/servers/${name}`)
          .set(bearer(token))
          .send({ port: main.port, user: main.monitorUser, password: main.monitorPassword });
        assert.equal(moved.status, 200, moved.text);
      }
      await eventually(
        () => Promise.resolve(receiver.accepted().length),
        (n) => n >= 2 * SERVERS,
        15_000,
        'a resolved message per server',
      );
      await sleep(3000);
      const byAlert = statusesByAlert(receiver.accepted());
      for (const statuses of byAlert.values()) assert.deepEqual(statuses, ['firing', 'resolved']);
      assert.equal(receiver.posts.length, 2 * SERVERS);
    });

    it('returns every attempt made by one of the two collectors', async (t) => {
      const [api] = collectors;
      assert.ok(api);
      const rows = await api.app
        .get(StoreService)
        .db.selectFrom('notification_attempts')
        .select('claimed_by')
        .execute();
      const ids = new Set(
        collectors.map((collector) => collector.app.get(CollectorService).instanceId),
      );
      assert.equal(rows.length, 2 * SERVERS);
      for (const row of rows) assert.ok(ids.has(row.claimed_by ?? ''), String(row.claimed_by));
      t.diagnostic(`sent by ${new Set(rows.map((row) => row.claimed_by)).size} collector(s)`);
    });
  });
});
