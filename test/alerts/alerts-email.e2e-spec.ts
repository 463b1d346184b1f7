/**
 * Email channels through SMTP_URL (nodemailer) to a real SMTP server in this process (the
 * smtp-server package): the message arrives with the right subject and body; a wrong SMTP
 * password shows in the delivery log, and never anywhere else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertsModule } from '#alerts';
import { bearer, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { OutputCapture } from '../support/output-capture.js';
import { ResponseRecorder } from '../support/responses.js';
import { eventually } from '../support/timing.js';
import { AlertsClient, startAlertingApi, unreachableBody } from './alerts-client.js';
import { MailReceiver } from './receivers.js';

const USER = 'pgmon-mailer';
const PASSWORD = 'smtp-password-4d1c9e';

describe(AlertsModule.name, () => {
  describe('an email channel', () => {
    let mail: MailReceiver;
    let api: TestApi;
    let client: AlertsClient;
    const name = uniqueName('alerts-mail');

    before(async () => {
      mail = await MailReceiver.start(USER, PASSWORD);
      api = await startAlertingApi({
        SMTP_URL: `smtp://${USER}:${PASSWORD}@127.0.0.1:${mail.port}`,
        SMTP_FROM: 'pgmon@example.com',
      });
      client = await AlertsClient.admin(api);
      await client.putRule('server_reachable', { for_s: 0 });
      await client.addChannel({
        name: 'mail',
        type: 'email',
        to: ['oncall@example.com', 'dba@example.com'],
      });
      await client.addServer(unreachableBody(name));
    });

    after(async () => {
      await api?.close();
      await mail?.close();
    });

    it('returns the firing alert by email, with its subject and body', async () => {
      await eventually(
        () => Promise.resolve(mail.mails.length),
        (n) => n >= 1,
        8000,
        'the email',
      );
      const [message] = mail.mails;
      assert.equal(message?.subject, `[pgmon] FIRING critical: server_reachable on ${name}`);
      assert.equal(message?.from, 'pgmon@example.com');
      assert.deepEqual(message?.to, ['oncall@example.com', 'dba@example.com']);
      assert.match(message?.text ?? '', /^FIRING \(critical\): server_reachable on /);
      assert.match(message?.text ?? '', /PostgreSQL: connection refused/);
      assert.match(message?.text ?? '', new RegExp(`Server: +${name}`));
      const [delivery] = await client.deliveries('mail');
      assert.equal(delivery?.state, 'sent');
      assert.equal(delivery?.log[0]?.status, 250);
    });

    it('returns what the SMTP server answered to the test button', async () => {
      const response = await api.http
        .post('/notification-channels/mail/test')
        .set(bearer(await api.adminToken()));
      assert.equal(response.status, 200, response.text);
      const answer = response.body as { ok: boolean; status: number; response: string };
      assert.equal(answer.ok, true);
      assert.equal(answer.status, 250);
      await eventually(
        () => Promise.resolve(mail.mails.length),
        (n) => n >= 2,
        5000,
        'the test email',
      );
      assert.equal(mail.mails[1]?.subject, '[pgmon] Test message');
    });
  });

  describe('an email channel with a wrong SMTP password', () => {
    const wrong = 'not-the-smtp-password-77';
    let mail: MailReceiver;
    let api: TestApi;
    let client: AlertsClient;
    const output = new OutputCapture('everything');
    const responses = new ResponseRecorder();
    const name = uniqueName('alerts-badmail');

    before(async () => {
      mail = await MailReceiver.start(USER, PASSWORD);
      output.start();
      api = await startAlertingApi({
        SMTP_URL: `smtp://${USER}:${wrong}@127.0.0.1:${mail.port}`,
        LOG_LEVEL: 'INFO',
      });
      responses.attach(api);
      client = await AlertsClient.admin(api);
      await client.putRule('server_reachable', { for_s: 0 });
      await client.addChannel({ name: 'mail', type: 'email', to: ['oncall@example.com'] });
      await client.addServer(unreachableBody(name));
    });

    after(async () => {
      await api?.close();
      output.stop();
      await mail?.close();
    });

    it('returns the refused login in the delivery log, and keeps trying', async () => {
      const [delivery] = await eventually(
        () => client.deliveries('mail'),
        (deliveries) => (deliveries[0]?.log.length ?? 0) >= 1,
        8000,
        'a first attempt',
      );
      assert.equal(delivery?.state, 'pending');
      assert.equal(delivery?.log[0]?.status, 535);
      assert.match(delivery?.log[0]?.error ?? '', /EAUTH/);
      assert.ok(mail.refusedLogins >= 1);
      assert.deepEqual(mail.mails, []);
    });

    it('answers the API as usual', async () => {
      const response = await api.http.get('/alerts').set(bearer(await api.adminToken()));
      assert.equal(response.status, 200);
      assert.equal((response.body as unknown[]).length, 1);
    });

    it('never shows the SMTP password in an answer or a log line', async () => {
      await output.waitFor(/will retry/, 5000);
      assert.match(output.text, /Notification \d+ to channel mail failed, will retry: EAUTH/);
      assert.ok(responses.assertNoSecrets([wrong, PASSWORD]) > 0);
      assert.equal(output.text.includes(wrong), false, 'the password in the output');
    });
  });
});
