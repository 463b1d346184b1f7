import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';
import { sleep } from '../support/proc.js';

const LOGIN_CLIENTS = 16;
const STORM_MS = 5_000;
const STORM_WINDOWS = 3;
const MIN_PROBES = 150;
const HEALTH_EVERY_MS = 10;

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

describe('TokenController under a login storm', () => {
  let api: TestApi;
  let url = '';

  before(async () => {
    // The storm comes from one address; the lockout is not what is measured here.
    api = await startTestApi({ LOGIN_MAX_FAILURES: '1000' });
    await api.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  after(async () => {
    await api?.close();
  });

  /** Logs in as fast as the answers come until `until`; counts the answers by status. */
  async function loginLoop(until: number, statuses: Map<number, number>): Promise<void> {
    const body = new URLSearchParams({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    while (Date.now() < until) {
      const response = await fetch(`${url}/token`, { method: 'POST', body });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      // A refused login (503: too many waiting) answers at once; a client waits as told.
      if (response.status !== 200) await sleep(Number(response.headers.get('retry-after')) * 1000);
    }
  }

  /** GET /api/health every few ms until `until`; returns each latency in ms. */
  async function healthLoop(until: number): Promise<number[]> {
    const latencies: number[] = [];
    while (Date.now() < until) {
      const started = performance.now();
      const response = await fetch(`${url}/api/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      assert.equal(response.status, 200);
      await sleep(HEALTH_EVERY_MS);
    }
    return latencies;
  }

  /** One storm of STORM_MS: the health latencies and the login answers by status. */
  async function storm(): Promise<{ summary: string; p99: number; probes: number; ok: number }> {
    const statuses = new Map<number, number>();
    const until = Date.now() + STORM_MS;
    const [latencies] = await Promise.all([
      healthLoop(until),
      ...Array.from({ length: LOGIN_CLIENTS }, () => loginLoop(until, statuses)),
    ]);
    assert.deepEqual(
      [...statuses.keys()].filter((status) => status !== 200 && status !== 503),
      [],
      JSON.stringify(Object.fromEntries(statuses)),
    );
    const p99 = percentile(latencies, 0.99);
    const summary = `health p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms over ${latencies.length} probes; logins ${JSON.stringify(Object.fromEntries(statuses))}`;
    return { summary, p99, probes: latencies.length, ok: statuses.get(200) ?? 0 };
  }

  describe('POST /token', () => {
    it(`keeps GET /api/health under 100 ms at p99 while ${LOGIN_CLIENTS} clients log in continuously`, async () => {
      // Warm up the pipeline (and the hashing thread) before measuring.
      await api.login('admin', TEST_ADMIN_PASSWORD);
      const quiet = await healthLoop(Date.now() + 1_000);
      const report = [`without logins: health p99 ${percentile(quiet, 0.99).toFixed(1)} ms`];
      // Hashing on the event loop stalls every window for seconds. Other processes on a shared
      // 2-core machine can spoil one window too, so up to three windows are measured: the code
      // passes when one of them, of enough probes, stays under 100 ms.
      let passed = false;
      for (let window = 0; window < STORM_WINDOWS && !passed; window++) {
        const result = await storm();
        report.push(result.summary);
        assert.ok(result.ok >= 1, `the storm logged in: ${report.join('\n')}`);
        passed = result.p99 < 100 && result.probes >= MIN_PROBES;
      }
      console.log(report.join('\n'));
      assert.ok(passed, report.join('\n'));
    });
  });
});
