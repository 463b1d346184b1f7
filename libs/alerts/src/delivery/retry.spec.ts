import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, GIVE_UP_AFTER_MS, MAX_RETRY_MS, nextStep } from './retry.js';
import type { SendOutcome } from './send-outcome.js';

const FAILED: SendOutcome = {
  ok: false,
  retry: true,
  status: 503,
  response: null,
  error: 'HTTP 503',
  durationMs: 5,
};

describe(backoffMs.name, () => {
  it('returns 1, 2, 4, 8 s... capped at 5 minutes (without jitter)', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffMs(n, 0.5)),
      [1000, 2000, 4000, 8000, 16000],
    );
    assert.equal(backoffMs(30, 0.5), MAX_RETRY_MS);
  });

  it('returns within 10 % of the step', () => {
    assert.equal(backoffMs(3, 0), 3600);
    assert.equal(backoffMs(3, 1), 4400);
  });

  it('keeps trying for more than a minute before the waits reach a minute', () => {
    let waited = 0;
    let attempt = 1;
    while (backoffMs(attempt, 0.5) < 60_000) waited += backoffMs(attempt++, 0.5);
    assert.ok(waited >= 60_000, `${waited} ms over ${attempt} attempts`);
  });
});

describe(nextStep.name, () => {
  const delivery = { attempts: 2, createdAt: 0 };

  it('returns sent for a taken message', () => {
    assert.deepEqual(nextStep(delivery, { ...FAILED, ok: true, error: null }, 10), {
      state: 'sent',
    });
  });

  it('returns another attempt after the backoff for a failure worth retrying', () => {
    assert.deepEqual(nextStep(delivery, FAILED, 10_000, 0.5), { state: 'pending', at: 14_000 });
  });

  it('returns failed for a refusal for good, and after a day of failures', () => {
    assert.deepEqual(nextStep(delivery, { ...FAILED, retry: false }, 10), { state: 'failed' });
    assert.deepEqual(nextStep(delivery, FAILED, GIVE_UP_AFTER_MS), { state: 'failed' });
  });
});
