import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayUrl, isWebhookUrl } from './channel.js';

describe(displayUrl.name, () => {
  it('returns scheme, host and port, hiding a path, query or credentials that may hold tokens', () => {
    assert.equal(
      displayUrl('https://hooks.slack.com/services/T0/B0/XXXX'),
      'https://hooks.slack.com/…',
    );
    assert.equal(displayUrl('http://10.0.0.5:8080/hook?token=abc'), 'http://10.0.0.5:8080/…');
    assert.equal(displayUrl('https://user:pass@alerts.example.com'), 'https://alerts.example.com');
    assert.equal(displayUrl('https://alerts.example.com/'), 'https://alerts.example.com');
  });

  it('returns the shown form unchanged when given the shown form (PUT sends it back)', () => {
    const shown = displayUrl('https://hooks.slack.com/services/T0/B0/XXXX');
    assert.equal(displayUrl(shown), shown);
  });
});

describe(isWebhookUrl.name, () => {
  it('accepts http and https URLs with a host, and refuses the rest', () => {
    assert.equal(isWebhookUrl('https://alerts.example.com/pgmon'), true);
    assert.equal(isWebhookUrl('http://127.0.0.1:9000'), true);
    for (const bad of [
      'ftp://x/y',
      'file:///etc/passwd',
      'not a url',
      'http://',
      42,
      null,
      `https://x/${'a'.repeat(2048)}`,
    ]) {
      assert.equal(isWebhookUrl(bad), false, String(bad));
    }
  });
});
