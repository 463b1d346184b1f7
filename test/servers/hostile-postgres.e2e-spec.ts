/**
 * Targets that attack the monitor: a huge protocol message, an answer that never ends, a
 * server that trickles bytes. Each costs pgmon bounded memory, answers within the deadline,
 * and has its connection cut, also after the HTTP answer was sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import {
  startFakePostgres,
  type FakeBehaviour,
  type FakePostgres,
} from '../support/fake-postgres.js';
import { uniqueName } from '../support/names.js';
import { eventually, timed } from '../support/timing.js';

const DEADLINE_MS = 3000;
const MB = 1024 * 1024;

interface Case {
  behaviour: FakeBehaviour;
  /** What /test reports. */
  code: string;
  /** Largest RSS growth allowed while pgmon reads the target. */
  maxGrowthMb: number;
}

const CASES: Case[] = [
  // The 1 MiB error fails the login (it carries no SQLSTATE); the 1.4 GB header after it is
  // what must not be buffered.
  { behaviour: 'huge-message', code: 'unknown', maxGrowthMb: 100 },
  // The 32 MiB answer cap, parsed into rows, is what bounds this one.
  { behaviour: 'endless-rows', code: 'response_too_large', maxGrowthMb: 150 },
  { behaviour: 'trickle', code: 'timeout', maxGrowthMb: 100 },
];

/** Samples the process's RSS every 20 ms while `work` runs; returns the largest growth. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ value: T; growthMb: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, growthMb: (peak - baseline) / MB };
  } finally {
    clearInterval(timer);
  }
}

describe('Hostile PostgreSQL targets', () => {
  let api: TestApi;
  let token: string;

  before(async () => {
    api = await startTestApi({
      STATUS_DEADLINE_MS: String(DEADLINE_MS),
      PG_CONNECT_TIMEOUT_MS: String(DEADLINE_MS),
      COLLECTOR_ENABLED: 'false',
    });
    token = await api.adminToken();
  });

  after(async () => {
    await api?.close();
  });

  for (const { behaviour, code, maxGrowthMb } of CASES) {
    describe(`a target that answers with ${behaviour}`, () => {
      let fake: FakePostgres;
      const name = uniqueName(`hostile-${behaviour}`);

      before(async () => {
        fake = await startFakePostgres(behaviour);
      });

      after(async () => {
        await fake?.close();
      });

      it(`answers POST /servers and POST /servers/{name}/test within the deadline + 1 s, in less than +${maxGrowthMb} MB`, async (t) => {
        const { value, growthMb } = await peakGrowth(async () => {
          const created = await timed(() =>
            api.http
              .post('/servers')
              .set(bearer(token))
              .send({ name, host: '127.0.0.1', port: fake.port, user: 'x', password: 'secret-pw' }),
          );
          const tested = await timed(() =>
            api.http.post(`/servers/${name}/test`).set(bearer(token)),
          );
          return { created, tested };
        });
        const { created, tested } = value;
        t.diagnostic(
          `${behaviour}: create ${created.ms.toFixed(0)} ms, test ${tested.ms.toFixed(0)} ms, RSS +${growthMb.toFixed(1)} MB, ${(fake.connections.reduce((sum, c) => sum + c.bytesSent, 0) / MB).toFixed(1)} MB sent`,
        );
        assert.equal(created.value.status, 201, created.value.text);
        assert.match((created.value.body as { status: string }).status, /^PostgreSQL: /);
        assert.equal(tested.value.status, 200, tested.value.text);
        const check = tested.value.body as { postgres: { ok: boolean; error: { code: string } } };
        assert.equal(check.postgres.ok, false);
        assert.equal(check.postgres.error.code, code);
        for (const { ms } of [created, tested]) assert.ok(ms < DEADLINE_MS + 1000, `${ms} ms`);
        assert.ok(growthMb < maxGrowthMb, `RSS grew by ${growthMb.toFixed(1)} MB`);
      });

      it('has every connection to it cut by pgmon, also after the answer was sent', async () => {
        await eventually(
          async () => Promise.resolve(fake.open()),
          (open) => open === 0,
          1000,
          'open',
        );
        assert.ok(fake.connections.length >= 2);
        for (const connection of fake.connections) {
          assert.ok(connection.closedAt !== null);
          const lived = (connection.closedAt ?? 0) - connection.openedAt;
          assert.ok(lived < DEADLINE_MS + 1000, `a connection lived ${lived} ms`);
        }
      });
    });
  }
});
