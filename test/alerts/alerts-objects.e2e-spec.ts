/**
 * What an alert is about, on the shared main cluster: one alert per object for checks that
 * judge each object (a long query is its session's alert), and a check that cannot be read
 * for longer than its rule allows fires as warning. Channels take only the severities they
 * asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { AlertsModule } from '#alerts';
import type { TestApi } from '../support/api.js';
import { adminQuery, superuserClient } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import { pidOf } from '../sessions/session-clients.js';
import { AlertsClient, startAlertingApi, targets } from './alerts-client.js';
import { WebhookReceiver, type PgmonMessage } from './receivers.js';

describe(AlertsModule.name, () => {
  describe('alerts about objects and unknown checks', () => {
    let api: TestApi;
    let client: AlertsClient;
    let receiver: WebhookReceiver;
    let sleeper: pg.Client;
    let sleeping: Promise<unknown>;
    let pid: number;
    const name = uniqueName('alerts-objects');
    const about = (check: string, object?: string) => (message: PgmonMessage) =>
      message.alert.server === name &&
      message.alert.check === check &&
      (object === undefined || message.alert.object === object);

    before(async () => {
      receiver = await WebhookReceiver.start();
      sleeper = await superuserClient(targets.pg.main);
      pid = await pidOf(sleeper);
      sleeping = sleeper.query('select pg_sleep(120)').catch((error: unknown) => error);
      api = await startAlertingApi({ CHECKS_INTERVAL: '2' });
      client = await AlertsClient.admin(api);
      await client.putRule('long_running_queries', { warning: 1, critical: null, for_s: 0 });
      await client.putRule('disk_free', { unknown_for_s: 0 });
      await client.addChannel({ name: 'all', type: 'webhook', url: receiver.url('/all') });
      await client.addChannel({
        name: 'critical-only',
        type: 'webhook',
        url: receiver.url('/critical'),
        min_severity: 'critical',
      });
      // SSH to a port that refuses: disk_free cannot be read on a server that answers.
      await client.addServer({
        ...monitorBody(name),
        ssh_user: 'pgmon',
        ssh_password: 'unused-ssh-password',
        ssh_port: targets.closedPort,
      });
    });

    after(async () => {
      await api?.close();
      await receiver?.close();
      await sleeper?.end().catch(() => undefined);
    });

    it('returns an alert for the long query’s session, with the session as its object', async () => {
      const object = `pid=${pid}`;
      const [message] = await eventually(
        () =>
          Promise.resolve(receiver.accepted('/all').filter(about('long_running_queries', object))),
        (found) => found.length >= 1,
        10_000,
        'the long query’s alert',
      );
      assert.equal(message?.status, 'firing');
      assert.equal(message?.alert.severity, 'warning');
      assert.ok((message?.alert.value ?? 0) >= 1);
      assert.match(message?.alert.message ?? '', new RegExp(`^pid=${pid}: `));
    });

    it('returns a warning alert for a check unknown longer than unknown_for_s', async () => {
      const [message] = await eventually(
        () => Promise.resolve(receiver.accepted('/all').filter(about('disk_free'))),
        (found) => found.length >= 1,
        10_000,
        'the disk_free alert',
      );
      assert.equal(message?.alert.severity, 'warning');
      assert.equal(message?.alert.object, null);
      assert.match(
        message?.alert.message ?? '',
        /^Could not be read: The disk could not be read over SSH/,
      );
    });

    it('returns nothing of those warnings to a channel that wants critical only', () => {
      const mine = receiver
        .accepted('/critical')
        .filter((message) => message.alert.server === name);
      assert.deepEqual(mine, []);
    });

    it('returns the session’s alert resolved once the query ends, the others firing still', async () => {
      await adminQuery(targets.pg.main, 'select pg_cancel_backend($1)', [pid]);
      await sleeping;
      const object = `pid=${pid}`;
      await eventually(
        () =>
          Promise.resolve(receiver.accepted('/all').filter(about('long_running_queries', object))),
        (found) => found.some((message) => message.status === 'resolved'),
        10_000,
        'the resolved message',
      );
      await sleep(2000);
      const alerts = await client.alerts();
      assert.equal(
        alerts.some((alert) => alert.object === object),
        false,
      );
      assert.ok(alerts.some((alert) => alert.server === name && alert.check === 'disk_free'));
    });
  });
});
