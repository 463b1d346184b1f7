import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpStatus } from '@nestjs/common';
import type { AppConfig } from '#config';
import { LoginAttemptsService, LoginLockedException } from './login-attempts.service.js';

const WINDOW_SECONDS = 60;
const T0 = Date.UTC(2025, 0, 1);

function attempts(maxFailures = 3): LoginAttemptsService {
  const config: Pick<AppConfig, 'auth'> = {
    auth: {
      secretKey: 'unused',
      tokenTtlMinutes: 60,
      adminPassword: undefined,
      loginMaxFailures: maxFailures,
      loginFailureWindowSeconds: WINDOW_SECONDS,
      metricsToken: undefined,
    },
  };
  return new LoginAttemptsService(config as AppConfig);
}

function lockout(service: LoginAttemptsService, client: string, now: number): LoginLockedException {
  try {
    service.assertAllowed(client, now);
  } catch (error) {
    assert.ok(error instanceof LoginLockedException, String(error));
    return error;
  }
  return assert.fail(`expected ${client} to be locked out at ${now - T0} ms`);
}

describe(LoginAttemptsService.name, () => {
  it('returns normally while the client is under the limit', () => {
    const service = attempts(3);
    service.assertAllowed('10.0.0.1', T0);
    service.recordFailure('10.0.0.1', T0);
    service.recordFailure('10.0.0.1', T0 + 1000);
    service.assertAllowed('10.0.0.1', T0 + 2000);
  });

  it('throws a 429 LoginLockedException at the limit, with the seconds until it lifts', () => {
    const service = attempts(3);
    service.recordFailure('10.0.0.1', T0);
    service.recordFailure('10.0.0.1', T0 + 10_000);
    service.recordFailure('10.0.0.1', T0 + 20_000);
    const error = lockout(service, '10.0.0.1', T0 + 25_000);
    assert.equal(error.getStatus(), HttpStatus.TOO_MANY_REQUESTS);
    // The oldest failure leaves the 60 s window at T0 + 60 s: 35 s from now.
    assert.equal(error.retryAfterSeconds, 35);
    assert.match((error.getResponse() as { detail: string }).detail, /35 s/);
  });

  it('returns normally again once the oldest failure leaves the window', () => {
    const service = attempts(3);
    for (const at of [T0, T0 + 10_000, T0 + 20_000]) service.recordFailure('10.0.0.1', at);
    const { retryAfterSeconds } = lockout(service, '10.0.0.1', T0 + 25_000);
    const liftsAt = T0 + 25_000 + retryAfterSeconds * 1000;
    lockout(service, '10.0.0.1', liftsAt - 1);
    service.assertAllowed('10.0.0.1', liftsAt);
    // One more failure inside the window locks again, until the second failure expires.
    service.recordFailure('10.0.0.1', liftsAt);
    assert.equal(lockout(service, '10.0.0.1', liftsAt).retryAfterSeconds, 10);
  });

  it('returns a retry delay of at least one second', () => {
    const service = attempts(1);
    service.recordFailure('10.0.0.1', T0);
    assert.equal(lockout(service, '10.0.0.1', T0 + WINDOW_SECONDS * 1000 - 1).retryAfterSeconds, 1);
  });

  it('counts each client separately', () => {
    const service = attempts(2);
    service.recordFailure('10.0.0.1', T0);
    service.recordFailure('10.0.0.1', T0);
    lockout(service, '10.0.0.1', T0);
    service.assertAllowed('10.0.0.2', T0);
  });

  it('returns normally after a success cleared the failures', () => {
    const service = attempts(3);
    for (let i = 0; i < 3; i++) service.recordFailure('10.0.0.1', T0 + i);
    service.recordSuccess('10.0.0.1');
    service.assertAllowed('10.0.0.1', T0 + 10);
    service.recordFailure('10.0.0.1', T0 + 10);
    service.recordFailure('10.0.0.1', T0 + 11);
    service.assertAllowed('10.0.0.1', T0 + 12);
  });

  it('forgets the least recently failing clients past 10 000 tracked clients', () => {
    const service = attempts(1);
    service.recordFailure('first', T0);
    lockout(service, 'first', T0);
    const others = 10_001;
    for (let i = 0; i < others; i++) service.recordFailure(`client-${i}`, T0 + 1);
    // 10 002 clients failed; only the 10 000 most recent are still tracked.
    service.assertAllowed('first', T0 + 2);
    service.assertAllowed('client-0', T0 + 2);
    lockout(service, 'client-1', T0 + 2);
    lockout(service, `client-${others - 1}`, T0 + 2);
  });
});
