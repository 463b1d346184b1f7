import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtAuthGuard, type AuthCache } from '#auth';
import type { AppConfig } from '#config';
import { MetricsAuthGuard } from './metrics-auth.guard.js';

const TOKEN = 'prometheus-scrape-token-0123';

/**
 * The guard, with the user-token check (passport, tested by the route tests) replaced by a
 * mock that refuses: what is tested here is which requests skip it.
 */
function guard(t: TestContext, metricsToken: string | undefined) {
  const userTokenCheck = t.mock.method(JwtAuthGuard.prototype, 'canActivateWithToken', () =>
    Promise.resolve(false),
  );
  const config = { auth: { metricsToken } } as unknown as AppConfig;
  const cache = {} as AuthCache;
  return { guard: new MetricsAuthGuard(new Reflector(), cache, config), userTokenCheck };
}

function context(authorization?: string): ExecutionContext {
  const request = {
    header: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined),
  };
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(MetricsAuthGuard.name, () => {
  it('admits "Bearer <METRICS_TOKEN>" without looking for a user token', async (t) => {
    const { guard: metricsGuard, userTokenCheck } = guard(t, TOKEN);
    assert.equal(await metricsGuard.canActivate(context(`Bearer ${TOKEN}`)), true);
    assert.equal(userTokenCheck.mock.callCount(), 0);
  });

  it('hands every other Authorization to the user-token check', async (t) => {
    const { guard: metricsGuard, userTokenCheck } = guard(t, TOKEN);
    const others = [
      undefined,
      '',
      TOKEN,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN.slice(0, -1)}X`,
      `Basic ${TOKEN}`,
      `Bearer  ${TOKEN}`,
    ];
    for (const header of others) {
      assert.equal(await metricsGuard.canActivate(context(header)), false, String(header));
    }
    assert.equal(userTokenCheck.mock.callCount(), others.length);
  });

  it('admits no token at all when METRICS_TOKEN is not set', async (t) => {
    const { guard: metricsGuard, userTokenCheck } = guard(t, undefined);
    for (const header of ['Bearer undefined', 'Bearer ', 'Bearer']) {
      assert.equal(await metricsGuard.canActivate(context(header)), false, header);
    }
    assert.equal(userTokenCheck.mock.callCount(), 3);
  });
});
