/**
 * Delivery on real receivers: retries with backoff until a receiver that answered 503 takes
 * the message (on both store backends), a receiver that never answers costs only its own
 * retries, REPEAT_INTERVAL reminders, silences, and the test button.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertsModule } from '#alerts';
import { bearer, type TestApi } from '../support/api.js';
import { createDatabase, type TestDatabase } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { eventually } from '../support/timing.js';
import { AlertsClient, startAlertingApi, targets, unreachableBody } from './alerts-client.js';
import { WebhookReceiver } from './receivers.js';

const count = (receiver: WebhookReceiver) => () => Promise.resolve(receiver.accepted().length);

describe(AlertsModule.name, () => {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    describe(`a receiver that answers 503 three times, then 200 (${backend} store)`, () => {
      let api: TestApi;
      let client: AlertsClient;
      let receiver: WebhookReceiver;
      let store: TestDatabase | undefined;
      const name = uniqueName('alerts-retry');

      before(async () => {
        receiver = await WebhookReceiver.start();
        let refused = 0;
        receiver.answer = () =>
          refused++ < 3
            ? { status: 503, body: 'down for maintenance' }
            : { status: 200, body: 'ok' };
        store =
          backend === 'PostgreSQL'
            ? await createDatabase(targets.pg.main, 'alerts_retry')
            : undefined;
        api = await startAlertingApi(store ? { DATABASE_URL: store.url } : {});
        client = await AlertsClient.admin(api);
        await client.putRule('server_reachable', { for_s: 0 });
        await client.addChannel({ name: 'flaky', type: 'webhook', url: receiver.url() });
        await client.addServer(unreachableBody(name));
      });

      after(async () => {
        await api?.close();
        await receiver?.close();
        await store?.drop();
      });

      it('returns one delivery, sent after retries, with every attempt in the log', async () => {
        // Retries after about 1, 2 and 4 s.
        await eventually(count(receiver), (n) => n === 1, 20_000, 'the message taken');
        assert.deepEqual(
          receiver.posts.map((post) => post.status),
          [503, 503, 503, 200],
        );
        const ids = new Set(receiver.posts.map((post) => post.headers['x-pgmon-delivery']));
        assert.equal(ids.size, 1, 'every attempt carries the same delivery id');
        const gaps = receiver.posts
          .slice(1)
          .map((post, n) => post.at - (receiver.posts[n]?.at ?? 0));
        assert.ok(
          gaps[2] !== undefined && gaps[2] > (gaps[0] ?? 0),
          `backoff grows: ${gaps.join(', ')} ms`,
        );
        const [delivery, ...others] = await client.deliveries('flaky');
        assert.deepEqual(others, []);
        assert.equal(delivery?.state, 'sent');
        assert.equal(delivery?.attempts, 4);
        assert.deepEqual(
          delivery?.log.map((attempt) => [attempt.status, attempt.error]),
          [
            [503, 'HTTP 503'],
            [503, 'HTTP 503'],
            [503, 'HTTP 503'],
            [200, null],
          ],
        );
        assert.equal(delivery?.log[0]?.response, 'down for maintenance');
      });

      it('sends nothing more while the alert keeps firing', async () => {
        await sleep(2500);
        assert.equal(receiver.accepted().length, 1);
        assert.equal(receiver.posts.length, 4);
      });
    });
  }

  describe('a receiver that never answers, next to one that does', () => {
    let api: TestApi;
    let client: AlertsClient;
    let stuck: WebhookReceiver;
    let fine: WebhookReceiver;
    const name = uniqueName('alerts-stuck');

    before(async () => {
      [stuck, fine] = await Promise.all([WebhookReceiver.start(), WebhookReceiver.start()]);
      stuck.answer = () => 'never';
      api = await startAlertingApi({ NOTIFICATION_TIMEOUT_MS: '500', REPEAT_INTERVAL: '3s' });
      client = await AlertsClient.admin(api);
      await client.putRule('server_reachable', { for_s: 0 });
      await client.addChannel({ name: 'stuck', type: 'webhook', url: stuck.url() });
      await client.addChannel({ name: 'fine', type: 'webhook', url: fine.url() });
      await client.addServer(unreachableBody(name));
    });

    after(async () => {
      await api?.close();
      await Promise.all([stuck?.close(), fine?.close()]);
    });

    it('returns the message to the answering receiver at once, and the timeouts in the other’s log', async () => {
      await eventually(count(fine), (n) => n >= 1, 6000, 'the message to the answering receiver');
      // The firing message's delivery, not a REPEAT_INTERVAL reminder queued behind it.
      const firing = async () =>
        (await client.deliveries('stuck')).find((delivery) => delivery.event === 'firing');
      await eventually(
        firing,
        (delivery) => (delivery?.log.length ?? 0) >= 2,
        10_000,
        'two attempts to the receiver that never answers',
      );
      const delivery = await firing();
      assert.equal(delivery?.state, 'pending');
      for (const attempt of delivery?.log ?? []) {
        assert.equal(attempt.status, null);
        assert.equal(attempt.error, 'no answer within 500 ms');
        assert.ok(attempt.duration_ms < 1500, `${attempt.duration_ms} ms`);
      }
    });

    it('returns a reminder every REPEAT_INTERVAL while the alert fires', async () => {
      await eventually(count(fine), (n) => n >= 2, 8000, 'a reminder');
      const [first, second] = fine.accepted();
      assert.equal(second?.status, 'firing');
      assert.equal(second?.alert.id, first?.alert.id);
      const events = (await client.deliveries('fine')).map((delivery) => delivery.event);
      assert.deepEqual(events.slice(-2), ['repeat', 'firing']);
    });

    it('answers the API at once while deliveries wait on the receiver', async () => {
      const started = Date.now();
      const response = await api.http.get('/alerts').set(bearer(await api.adminToken()));
      assert.equal(response.status, 200);
      assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
    });
  });

  describe('a silence', () => {
    let api: TestApi;
    let admin: AlertsClient;
    let receiver: WebhookReceiver;
    let operatorToken: string;
    let viewerToken: string;
    let silenceId: number;
    const name = uniqueName('alerts-silenced');

    before(async () => {
      receiver = await WebhookReceiver.start();
      api = await startAlertingApi();
      admin = await AlertsClient.admin(api);
      operatorToken = await api.userToken('silencer', 'operator');
      viewerToken = await api.userToken('watcher', 'viewer');
      await admin.putRule('server_reachable', { for_s: 0 });
      await admin.addChannel({ name: 'oncall', type: 'webhook', url: receiver.url() });
      const created = await api.http
        .post('/silences')
        .set(bearer(operatorToken))
        .send({
          check: 'server_reachable',
          until: new Date(Date.now() + 3600_000).toISOString(),
          comment: 'planned maintenance',
        });
      assert.equal(created.status, 201, created.text);
      silenceId = (created.body as { id: number }).id;
      await admin.addServer(unreachableBody(name));
    });

    after(async () => {
      await api?.close();
      await receiver?.close();
    });

    it('returns the firing alert marked silenced to a viewer, and sends nothing', async () => {
      const viewer = new AlertsClient(api, viewerToken);
      const alert = await eventually(
        () => viewer.firing(name, 'server_reachable'),
        (found) => found !== undefined,
        6000,
        'the firing alert',
      );
      assert.equal(alert?.silenced, true);
      await sleep(2500);
      assert.deepEqual(receiver.posts, []);
      assert.deepEqual(await admin.deliveries('oncall'), []);
    });

    it('returns the silence to operators and refuses viewers', async () => {
      const listed = await api.http.get('/silences').set(bearer(operatorToken));
      assert.equal(listed.status, 200);
      const [silence] = listed.body as Record<string, unknown>[];
      assert.equal(silence?.id, silenceId);
      assert.equal(silence?.server, null);
      assert.equal(silence?.check, 'server_reachable');
      assert.equal(silence?.comment, 'planned maintenance');
      assert.equal(silence?.created_by, 'silencer');
      const refused = await api.http.get('/silences').set(bearer(viewerToken));
      assert.equal(refused.status, 403);
    });

    it('sends the firing message once the silence is deleted', async () => {
      const deleted = await api.http.delete(`/silences/${silenceId}`).set(bearer(operatorToken));
      assert.equal(deleted.status, 200, deleted.text);
      await eventually(count(receiver), (n) => n === 1, 6000, 'the firing message');
      assert.equal(receiver.accepted()[0]?.status, 'firing');
      assert.equal((await admin.firing(name, 'server_reachable'))?.silenced, false);
      const again = await api.http.delete(`/silences/${silenceId}`).set(bearer(operatorToken));
      assert.equal(again.status, 404);
    });
  });

  describe('POST /notification-channels/{name}/test', () => {
    let api: TestApi;
    let client: AlertsClient;
    let receiver: WebhookReceiver;
    let token: string;

    before(async () => {
      receiver = await WebhookReceiver.start();
      receiver.answer = (post) =>
        post.path === '/down'
          ? { status: 503, body: 'maintenance' }
          : { status: 200, body: 'thanks' };
      api = await startAlertingApi({ COLLECTOR_ENABLED: 'false' });
      client = await AlertsClient.admin(api);
      token = await api.adminToken();
      await client.addChannel({
        name: 'plain',
        type: 'webhook',
        url: receiver.url('/plain'),
        secret: 'test-signing-secret',
      });
      await client.addChannel({
        name: 'slack',
        type: 'webhook',
        url: receiver.url('/slack'),
        format: 'slack',
      });
      await client.addChannel({ name: 'down', type: 'webhook', url: receiver.url('/down') });
      await client.addChannel({
        name: 'nowhere',
        type: 'webhook',
        url: `http://127.0.0.1:${targets.closedPort}/hook`,
      });
    });

    after(async () => {
      await api?.close();
      await receiver?.close();
    });

    const test = async (channel: string) => {
      const response = await api.http
        .post(`/notification-channels/${channel}/test`)
        .set(bearer(token));
      assert.equal(response.status, 200, response.text);
      return response.body as {
        ok: boolean;
        status: number | null;
        response: string | null;
        error: string | null;
      };
    };

    it('returns what the receiver answered to a signed pgmon test message', async () => {
      const answer = await test('plain');
      assert.deepEqual(
        [answer.ok, answer.status, answer.response, answer.error],
        [true, 200, 'thanks', null],
      );
      const [message] = receiver.accepted('/plain');
      assert.equal(message?.status, 'test');
      assert.match(message?.alert.message ?? '', /channel plain, sent by admin/);
      assert.ok(
        receiver.posts.find((post) => post.path === '/plain')?.headers['x-pgmon-signature'],
      );
    });

    it('returns a Slack-compatible body for format slack', async () => {
      assert.equal((await test('slack')).ok, true);
      const post = receiver.posts.find((candidate) => candidate.path === '/slack');
      const body = JSON.parse(post?.body ?? '{}') as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['text']);
      assert.match(String(body.text), /test message from pgmon/i);
      assert.equal(post?.headers['x-pgmon-signature'], undefined);
    });

    it('returns the refusal of a receiver that answers 503, and a connection refused', async () => {
      const down = await test('down');
      assert.deepEqual(
        [down.ok, down.status, down.response, down.error],
        [false, 503, 'maintenance', 'HTTP 503'],
      );
      const nowhere = await test('nowhere');
      assert.equal(nowhere.ok, false);
      assert.equal(nowhere.status, null);
      assert.match(nowhere.error ?? '', /ECONNREFUSED/);
    });

    it('returns each test in the channel’s delivery log', async () => {
      const [delivery] = await client.deliveries('down');
      assert.equal(delivery?.event, 'test');
      assert.equal(delivery?.state, 'failed');
      assert.equal(delivery?.server, null);
      assert.deepEqual(
        delivery?.log.map((attempt) => attempt.status),
        [503],
      );
    });
  });
});
