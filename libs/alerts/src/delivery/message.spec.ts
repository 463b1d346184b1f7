import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { emailSubject, emailText, signature, webhookBody, type Notification } from './message.js';

const FIRING: Notification = {
  status: 'firing',
  alert: {
    id: 7,
    server: 'pg1',
    check: 'dead_tuples',
    object: 'database=app, schema=public, table=orders',
    severity: 'warning',
    since: '2030-01-01T00:00:00.000Z',
    resolved_at: null,
    value: 0.31,
    message: 'app: public.orders is 31 % dead rows',
  },
};
const SENT = new Date('2030-01-01T00:05:00.000Z');

describe(webhookBody.name, () => {
  it('returns pgmon’s body: status, the alert, sent_at', () => {
    assert.deepEqual(JSON.parse(webhookBody(FIRING, 'pgmon', SENT)), {
      status: 'firing',
      alert: FIRING.alert,
      sent_at: '2030-01-01T00:05:00.000Z',
    });
  });

  it('returns a Slack-compatible {"text"} with the headline and the message', () => {
    const body = JSON.parse(webhookBody(FIRING, 'slack', SENT)) as { text: string };
    assert.deepEqual(Object.keys(body), ['text']);
    assert.match(
      body.text,
      /FIRING \(warning\): dead_tuples on pg1 \(database=app, schema=public, table=orders\)/,
    );
    assert.match(body.text, /31 % dead rows/);
  });

  it('escapes what Slack reads as markup', () => {
    const body = JSON.parse(
      webhookBody({ ...FIRING, alert: { ...FIRING.alert, message: 'a <b> & c' } }, 'slack', SENT),
    ) as { text: string };
    assert.match(body.text, /a &lt;b&gt; &amp; c/);
  });
});

describe(signature.name, () => {
  it('returns sha256=<hex HMAC-SHA256 of the body>', () => {
    const body = webhookBody(FIRING, 'pgmon', SENT);
    assert.equal(
      signature('k', body),
      `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`,
    );
    assert.notEqual(signature('k', body), signature('k2', body));
  });
});

describe(emailSubject.name, () => {
  it('returns the state, severity, check, server and object', () => {
    assert.equal(
      emailSubject(FIRING),
      '[pgmon] FIRING warning: dead_tuples on pg1 (database=app, schema=public, table=orders)',
    );
    assert.equal(
      emailSubject({ status: 'resolved', alert: { ...FIRING.alert, object: null } }),
      '[pgmon] RESOLVED: dead_tuples on pg1',
    );
  });
});

describe(emailText.name, () => {
  it('returns the message and every field of the alert', () => {
    const text = emailText(FIRING, SENT);
    assert.match(text, /^FIRING \(warning\): dead_tuples on pg1/);
    assert.match(text, /app: public\.orders is 31 % dead rows/);
    assert.match(text, /Value: +0\.31/);
    assert.match(text, /Alert id: 7/);
    assert.match(text, /Sent at: +2030-01-01T00:05:00\.000Z/);
  });
});
