/**
 * The whole path on real parts: a PostgreSQL cluster of this file's own is stopped, the
 * collector's checks find server_reachable critical, the alert fires and a real HTTP receiver
 * on loopback gets one signed message; the cluster starts again and the receiver gets the
 * resolved message. Nothing is sent twice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AlertsModule } from '#alerts';
import { bearer, type TestApi } from '../support/api.js';
import { startCluster, stopCluster } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import { startPrivateCluster, type PrivateCluster } from '../checks/private-cluster.js';
import { AlertsClient, signedWith, startAlertingApi, type AlertView } from './alerts-client.js';
import { WebhookReceiver } from './receivers.js';

const INTERVAL_S = 2;
/** Beyond for_s (0) and one interval: the connection attempt, the store, the POST. */
const SLACK_MS = 5000;

describe(AlertsModule.name, () => {
  describe('a cluster stopped, then started again', () => {
    let cluster: PrivateCluster;
    let api: TestApi;
    let client: AlertsClient;
    let receiver: WebhookReceiver;
    const name = uniqueName('alerts-stop');
    const secret = randomBytes(24).toString('hex');
    let firing: AlertView | undefined;

    before(async () => {
      cluster = await startPrivateCluster('alerts-stop', []);
      receiver = await WebhookReceiver.start();
      api = await startAlertingApi({ CHECKS_INTERVAL: String(INTERVAL_S) });
      client = await AlertsClient.admin(api);
      await client.putRule('server_reachable', { for_s: 0 });
      await client.addChannel({ name: 'oncall', type: 'webhook', url: receiver.url(), secret });
      await client.addServer(monitorBody(name, cluster));
      const token = await api.adminToken();
      await eventually(
        async () =>
          (await api.http.get(`/server/${name}/checks`).set(bearer(token))).body as {
            checks: { id: string; status: string }[];
          },
        (answer) =>
          answer.checks.some((check) => check.id === 'server_reachable' && check.status === 'ok'),
        (INTERVAL_S + 10) * 1000,
        'a first evaluation with the cluster up',
      );
    });

    after(async () => {
      await api?.close();
      await receiver?.close();
      await cluster?.stop();
    });

    it('sends nothing while the cluster answers', async () => {
      await sleep(INTERVAL_S * 1000);
      assert.deepEqual(receiver.posts, []);
      assert.deepEqual(await client.alerts(), []);
    });

    it('fires server_reachable within for_s + one interval of the stop and sends one signed message', async () => {
      await stopCluster(cluster, 'fast');
      const stoppedAt = Date.now();
      await eventually(
        () => Promise.resolve(receiver.accepted().length),
        (n) => n >= 1,
        INTERVAL_S * 1000 + SLACK_MS,
        'the firing message',
      );
      const [post] = receiver.posts;
      assert.ok(post);
      assert.ok(
        post.at - stoppedAt <= INTERVAL_S * 1000 + SLACK_MS,
        `${post.at - stoppedAt} ms after the stop`,
      );
      assert.ok(signedWith(post, secret), `signature ${String(post.headers['x-pgmon-signature'])}`);
      assert.equal(signedWith(post, `${secret}x`), false, 'another secret does not verify');
      assert.match(String(post.headers['content-type']), /application\/json/);
      const [message] = receiver.accepted();
      assert.equal(message?.status, 'firing');
      assert.equal(message?.alert.server, name);
      assert.equal(message?.alert.check, 'server_reachable');
      assert.equal(message?.alert.severity, 'critical');
      assert.equal(message?.alert.object, null);
      assert.equal(message?.alert.resolved_at, null);
      assert.match(message?.alert.message ?? '', /^PostgreSQL: /);
      assert.ok(!Number.isNaN(Date.parse(message?.sent_at ?? '')));
      firing = await client.firing(name, 'server_reachable');
      assert.ok(firing, JSON.stringify(await client.alerts()));
      assert.equal(firing.id, message?.alert.id);
      assert.equal(firing.severity, 'critical');
      assert.equal(firing.silenced, false);
    });

    it('returns pgmon_alerts_firing for the firing alert', async () => {
      const response = await api.http.get('/metrics').set(bearer(await api.adminToken()));
      assert.equal(response.status, 200);
      assert.ok(
        response.text.includes(
          `pgmon_alerts_firing{server="${name}",check="server_reachable",severity="critical"} 1`,
        ),
        response.text
          .split('\n')
          .filter((line) => line.startsWith('pgmon_alerts'))
          .join('\n'),
      );
    });

    it('sends no second message while the cluster stays down', async () => {
      await sleep(3 * INTERVAL_S * 1000);
      assert.equal(receiver.posts.length, 1, JSON.stringify(receiver.accepted()));
    });

    it('sends the resolved message once the cluster answers again, and nothing more', async () => {
      await startCluster(cluster);
      await eventually(
        () => Promise.resolve(receiver.accepted().length),
        (n) => n >= 2,
        INTERVAL_S * 1000 + 10_000,
        'the resolved message',
      );
      const resolved = receiver.accepted()[1];
      assert.equal(resolved?.status, 'resolved');
      assert.equal(resolved?.alert.id, firing?.id);
      assert.ok(resolved?.alert.resolved_at);
      const post = receiver.posts[1];
      assert.ok(post && signedWith(post, secret));
      await sleep(2 * INTERVAL_S * 1000);
      assert.equal(receiver.posts.length, 2);
      assert.deepEqual(await client.alerts(), []);
    });

    it('returns the alert in the history as resolved, and both deliveries as sent once', async () => {
      const history = await api.http
        .get(`/alerts/history?server=${name}`)
        .set(bearer(await api.adminToken()));
      assert.equal(history.status, 200, history.text);
      const [entry] = history.body as { id: number; state: string; resolved_at: string | null }[];
      assert.equal(entry?.id, firing?.id);
      assert.equal(entry?.state, 'resolved');
      assert.ok(entry?.resolved_at);
      const deliveries = await client.deliveries('oncall');
      assert.deepEqual(
        deliveries.map((delivery) => [delivery.event, delivery.state, delivery.attempts]),
        [
          ['resolved', 'sent', 1],
          ['firing', 'sent', 1],
        ],
      );
      assert.equal(deliveries[0]?.log[0]?.status, 200);
      assert.equal(deliveries[0]?.log[0]?.response, 'ok');
    });
  });
});
