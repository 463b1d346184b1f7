/**
 * The alert routes' rules: rules whose levels change what the checks evaluate, validation of
 * every body, who may do what, and channel secrets that never come back in any answer or log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertsModule } from '#alerts';
import { StoreService } from '#store';
import { bearer, type TestApi } from '../support/api.js';
import { addServer, runChecks } from '../checks/check-runs.js';
import { uniqueName } from '../support/names.js';
import { OutputCapture } from '../support/output-capture.js';
import { issueLocations, ResponseRecorder } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { startAlertingApi } from './alerts-client.js';
import { WebhookReceiver } from './receivers.js';

interface RuleView {
  check: string;
  enabled: boolean;
  warning: number | null;
  critical: number | null;
  for_s: number;
  unknown_for_s: number | null;
  servers: Record<string, Record<string, unknown>>;
}

describe(AlertsModule.name, () => {
  let api: TestApi;
  let admin: string;
  let operator: string;
  let viewer: string;
  const reports = uniqueName('alerts-reports');
  const plain = uniqueName('alerts-plain');
  const ids: Record<string, number> = {};
  const receiver = { current: undefined as WebhookReceiver | undefined };
  const output = new OutputCapture('everything');
  const responses = new ResponseRecorder();
  const signingSecret = 'webhook-signing-secret-5f2a91';
  const urlToken = 'T0123/B4567/url-token-8e3c2d';

  before(async () => {
    receiver.current = await WebhookReceiver.start();
    output.start();
    api = await startAlertingApi({
      COLLECTOR_ENABLED: 'false',
      CHECK_THRESHOLDS: `long_running_queries=120:600,${reports}/long_running_queries=900:3600`,
      LOG_LEVEL: 'INFO',
    });
    responses.attach(api);
    admin = await api.adminToken();
    [operator, viewer] = await Promise.all([
      api.userToken('alerts-operator', 'operator'),
      api.userToken('alerts-viewer', 'viewer'),
    ]);
    ids[reports] = await addServer(api, monitorBody(reports));
    ids[plain] = await addServer(api, monitorBody(plain));
  });

  after(async () => {
    await api?.close();
    output.stop();
    await receiver.current?.close();
  });

  const rules = async (token = viewer): Promise<RuleView[]> => {
    const response = await api.http.get('/alert-rules').set(bearer(token));
    assert.equal(response.status, 200, response.text);
    return response.body as RuleView[];
  };
  const rule = async (check: string) => (await rules()).find((r) => r.check === check);
  const put = (check: string, body: unknown, token = admin) =>
    api.http
      .put(`/alert-rules/${check}`)
      .set(bearer(token))
      .send(body as object);

  describe('GET /alert-rules', () => {
    it('returns every check’s rule to a viewer, with the defaults and CHECK_THRESHOLDS', async () => {
      const all = await rules();
      assert.equal(all.length, 18);
      assert.deepEqual(
        all.find((r) => r.check === 'server_reachable'),
        {
          check: 'server_reachable',
          enabled: true,
          warning: 1000,
          critical: 5000,
          for_s: 60,
          unknown_for_s: 900,
          servers: {},
        },
      );
      assert.equal(all.find((r) => r.check === 'unused_indexes')?.enabled, false);
      const longQueries = all.find((r) => r.check === 'long_running_queries');
      assert.deepEqual([longQueries?.warning, longQueries?.critical], [120, 600]);
      assert.deepEqual(longQueries?.servers, { [reports]: { warning: 900, critical: 3600 } });
    });
  });

  describe('PUT /alert-rules/{check}', () => {
    it('returns the changed rule; omitted fields keep their value', async () => {
      const first = await put('dead_tuples', { warning: 0.3, for_s: 120, unknown_for_s: null });
      assert.equal(first.status, 200, first.text);
      const second = await put('dead_tuples', { critical: 0.7 });
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(second.body, {
        check: 'dead_tuples',
        enabled: true,
        warning: 0.3,
        critical: 0.7,
        for_s: 120,
        unknown_for_s: null,
        servers: {},
      });
      assert.deepEqual(await rule('dead_tuples'), second.body);
    });

    it('returns levels that change what the checks evaluate, per server', async () => {
      const changed = await put('server_reachable', { servers: { [plain]: { warning: 0 } } });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual((changed.body as RuleView).servers, { [plain]: { warning: 0 } });
      const onPlain = await runChecks(api, ids[plain] ?? 0, plain);
      const onReports = await runChecks(api, ids[reports] ?? 0, reports);
      assert.equal(onPlain.server_reachable?.status, 'warning');
      assert.deepEqual(onPlain.server_reachable?.threshold, { warning: 0, critical: 5000 });
      assert.equal(onReports.server_reachable?.status, 'ok');
      assert.deepEqual(onReports.long_running_queries?.threshold, { warning: 900, critical: 3600 });
      const cleared = await put('server_reachable', { servers: {} });
      assert.deepEqual((cleared.body as RuleView).servers, {});
      assert.equal((await runChecks(api, ids[plain] ?? 0, plain)).server_reachable?.status, 'ok');
    });

    it('returns the rule’s levels overriding CHECK_THRESHOLDS for every server, not the server’s own', async () => {
      const changed = await put('long_running_queries', { warning: 30 });
      assert.equal((changed.body as RuleView).warning, 30);
      const onPlain = await runChecks(api, ids[plain] ?? 0, plain);
      const onReports = await runChecks(api, ids[reports] ?? 0, reports);
      assert.deepEqual(onPlain.long_running_queries?.threshold, { warning: 30, critical: 600 });
      assert.deepEqual(onReports.long_running_queries?.threshold, { warning: 900, critical: 3600 });
    });

    it('returns 422 naming the field for a bad value, an unknown server or levels out of order', async () => {
      const cases: [string, unknown, string][] = [
        ['dead_tuples', { warning: 'high' }, 'body.warning'],
        ['dead_tuples', { enabled: 'yes' }, 'body.enabled'],
        ['dead_tuples', { for_s: -1 }, 'body.for_s'],
        ['dead_tuples', { for_s: 1.5 }, 'body.for_s'],
        ['dead_tuples', { servers: [] }, 'body.servers'],
        ['dead_tuples', { servers: { 'no-such-server': {} } }, 'body.servers.no-such-server'],
        [
          'dead_tuples',
          { servers: { [plain]: { critical: '1' } } },
          `body.servers.${plain}.critical`,
        ],
        ['server_reachable', { warning: 6000 }, 'body.warning'],
        ['disk_free', { warning: 0.01 }, 'body.warning'],
        ['disk_free', { servers: { [plain]: { critical: 0.5 } } }, 'body.servers'],
      ];
      for (const [check, body, location] of cases) {
        assert.deepEqual(issueLocations(await put(check, body)), [location], JSON.stringify(body));
      }
      assert.equal((await rule('server_reachable'))?.warning, 1000, 'nothing changed');
    });

    it('returns 404 for a check that does not exist, and 403 to operators', async () => {
      const unknown = await put('long_queries', { warning: 1 });
      assert.equal(unknown.status, 404);
      assert.match((unknown.body as { detail: string }).detail, /Check long_queries not found/);
      assert.equal((await put('dead_tuples', { warning: 0.4 }, operator)).status, 403);
    });

    it('returns each change in the audit log', async () => {
      const audit = await api.http.get('/audit?action=alert_rule.update').set(bearer(admin));
      assert.equal(audit.status, 200);
      const targets = (audit.body as { target: string; actor: string }[]).map(
        (entry) => entry.target,
      );
      assert.ok(
        targets.includes('dead_tuples') && targets.includes('server_reachable'),
        targets.join(),
      );
    });
  });

  describe('POST /silences', () => {
    const until = () => new Date(Date.now() + 3600_000).toISOString();
    const post = (body: object, token = operator) =>
      api.http.post('/silences').set(bearer(token)).send(body);

    it('returns the silence of one check on one server to an operator', async () => {
      const created = await post({
        server: plain,
        check: 'dead_tuples',
        until: until(),
        comment: 'vacuum running',
      });
      assert.equal(created.status, 201, created.text);
      const silence = created.body as Record<string, unknown>;
      assert.equal(silence.server, plain);
      assert.equal(silence.check, 'dead_tuples');
      assert.equal(silence.created_by, 'alerts-operator');
      assert.ok(typeof silence.id === 'number');
    });

    it('returns 422 for an end in the past, no comment, an unknown server or check', async () => {
      const cases: [object, string][] = [
        [{ until: '2020-01-01T00:00:00Z', comment: 'x' }, 'body.until'],
        [{ until: 'tomorrow', comment: 'x' }, 'body.until'],
        [{ until: until(), comment: '' }, 'body.comment'],
        [{ until: until() }, 'body.comment'],
        [{ until: until(), comment: 'x', server: 'no-such-server' }, 'body.server'],
        [{ until: until(), comment: 'x', check: 'long_queries' }, 'body.check'],
      ];
      for (const [body, location] of cases) {
        assert.deepEqual(issueLocations(await post(body)), [location], JSON.stringify(body));
      }
    });

    it('returns 403 to a viewer, who still reads the alerts', async () => {
      assert.equal((await post({ until: until(), comment: 'x' }, viewer)).status, 403);
      assert.equal((await api.http.get('/alerts').set(bearer(viewer))).status, 200);
      assert.equal((await api.http.get('/alerts/history').set(bearer(viewer))).status, 200);
    });
  });

  describe('GET /alerts/history', () => {
    it('returns 404 for an unknown server and 422 for bad dates, checks and limits', async () => {
      const get = (query: string) => api.http.get(`/alerts/history?${query}`).set(bearer(viewer));
      assert.equal((await get('server=no-such-server')).status, 404);
      assert.deepEqual(issueLocations(await get('start_date=yesterday')), ['query.start_date']);
      assert.deepEqual(issueLocations(await get('start_date=2030-01-02&end_date=2030-01-01')), [
        'query.start_date',
      ]);
      assert.deepEqual(issueLocations(await get('check=nope')), ['query.check']);
      assert.deepEqual(issueLocations(await get('limit=0')), ['query.limit']);
      assert.deepEqual((await get(`server=${plain}`)).body, []);
    });
  });

  describe('/notification-channels', () => {
    const post = (body: object, token = admin) =>
      api.http.post('/notification-channels').set(bearer(token)).send(body);

    it('returns a webhook channel without its secret or the URL’s path', async () => {
      const created = await post({
        name: 'oncall',
        type: 'webhook',
        url: receiver.current?.url(`/services/${urlToken}`),
        secret: signingSecret,
      });
      assert.equal(created.status, 201, created.text);
      const view = created.body as Record<string, unknown>;
      assert.equal(view.url, receiver.current?.url('/…'));
      assert.equal(view.has_secret, true);
      assert.equal('secret' in view, false);
      assert.deepEqual(
        [view.format, view.to, view.min_severity, view.send_resolved],
        ['pgmon', null, 'warning', true],
      );
    });

    it('stores the URL and the secret sealed', async () => {
      const row = await api.app
        .get(StoreService)
        .db.selectFrom('notification_channels')
        .selectAll()
        .where('name', '=', 'oncall')
        .executeTakeFirstOrThrow();
      assert.match(row.secret ?? '', /^v1\./);
      assert.match(row.url ?? '', /^v1\./);
      const stored = `${row.url ?? ''}${row.secret ?? ''}`;
      assert.equal(stored.includes(urlToken) || stored.includes(signingSecret), false);
    });

    it('keeps the secret and the URL when the answer is sent back (PUT), and the test still reaches the URL', async () => {
      const current = await api.http.get('/notification-channels/oncall').set(bearer(admin));
      const updated = await api.http
        .put('/notification-channels/oncall')
        .set(bearer(admin))
        .send({ ...(current.body as object), min_severity: 'critical' });
      assert.equal(updated.status, 200, updated.text);
      assert.equal((updated.body as { has_secret: boolean }).has_secret, true);
      assert.equal((updated.body as { min_severity: string }).min_severity, 'critical');
      const tested = await api.http.post('/notification-channels/oncall/test').set(bearer(admin));
      assert.equal((tested.body as { ok: boolean }).ok, true, tested.text);
      const [posted] = receiver.current?.posts ?? [];
      assert.equal(posted?.path, `/services/${urlToken}`);
      assert.ok(posted?.headers['x-pgmon-signature']);
    });

    it('returns has_secret false once the secret is removed with null', async () => {
      const updated = await api.http
        .put('/notification-channels/oncall')
        .set(bearer(admin))
        .send({ secret: null });
      assert.equal((updated.body as { has_secret: boolean }).has_secret, false);
    });

    it('returns 409 for a name taken, 422 for fields that do not fit, 403 to operators', async () => {
      assert.equal(
        (await post({ name: 'oncall', type: 'webhook', url: 'http://127.0.0.1:1/x' })).status,
        409,
      );
      const cases: [object, string][] = [
        [{ name: 'mail', type: 'email', to: ['a@example.com'] }, 'body.type'],
        [{ name: 'w1', type: 'webhook' }, 'body.url'],
        [{ name: 'w2', type: 'webhook', url: 'ftp://example.com/x' }, 'body.url'],
        [
          { name: 'w3', type: 'webhook', url: 'http://example.com', to: ['a@example.com'] },
          'body.to',
        ],
        [
          { name: 'w4', type: 'webhook', url: 'http://example.com', format: 'teams' },
          'body.format',
        ],
        [
          { name: 'w5', type: 'webhook', url: 'http://example.com', min_severity: 'info' },
          'body.min_severity',
        ],
        [
          { name: 'w6', type: 'webhook', url: 'http://example.com', send_resolved: 'yes' },
          'body.send_resolved',
        ],
        [{ name: '../x', type: 'webhook', url: 'http://example.com' }, 'body.name'],
        [{ name: 'w7', type: 'pager', url: 'http://example.com' }, 'body.type'],
      ];
      for (const [body, location] of cases) {
        assert.deepEqual(issueLocations(await post(body)), [location], JSON.stringify(body));
      }
      const typeChange = await api.http
        .put('/notification-channels/oncall')
        .set(bearer(admin))
        .send({ type: 'email' });
      assert.deepEqual(issueLocations(typeChange), ['body.type']);
      assert.equal(
        (await post({ name: 'w8', type: 'webhook', url: 'http://example.com' }, operator)).status,
        403,
      );
      assert.equal(
        (await api.http.get('/notification-channels').set(bearer(operator))).status,
        403,
      );
    });

    it('returns 404 once deleted', async () => {
      const deleted = await api.http.delete('/notification-channels/oncall').set(bearer(admin));
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal(
        (await api.http.get('/notification-channels/oncall').set(bearer(admin))).status,
        404,
      );
      assert.equal(
        (await api.http.get('/notification-channels/oncall/deliveries').set(bearer(admin))).status,
        404,
      );
    });

    it('never returns or logs the secret or the URL’s token', async () => {
      await api.http.get('/audit').set(bearer(admin));
      assert.ok(responses.assertNoSecrets([signingSecret, urlToken]) > 10);
      assert.equal(output.text.includes(signingSecret), false, 'the secret in the output');
      assert.equal(output.text.includes(urlToken), false, 'the URL token in the output');
    });
  });
});
