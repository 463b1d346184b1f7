/**
 * The collector on its schedule (COLLECT_INTERVAL=5, the minimum) with two healthy servers and
 * one that accepts TCP and never answers: the healthy ones keep being sampled on time, the
 * silent one is reported (once in the log, and in GET /api/collector/status).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CollectorService } from '#collector';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { OutputCapture } from '../support/output-capture.js';
import { isIsoTimestamp } from '../support/responses.js';
import { LOOPBACK, monitorBody } from '../support/server-bodies.js';
import { eventually } from '../support/timing.js';
import {
  HistoryClient,
  rounds,
  targets,
  type CollectorServerStatus,
  type CollectorStatus,
} from './helpers.js';

describe('CollectorStatusController', () => {
  let api: TestApi;
  let admin: HistoryClient;
  let viewer: HistoryClient;
  const output = new OutputCapture('app-log');
  const healthy = [uniqueName('hist-sched-a'), uniqueName('hist-sched-b')];
  const silent = uniqueName('hist-sched-silent');
  let createdAt: number;
  /** Sample rounds of each healthy server, once both reached two (and the silent one failed twice). */
  let reached: { rounds: number[][] };

  before(async () => {
    output.start();
    api = await startTestApi({
      COLLECT_INTERVAL: '5',
      COLLECTOR_ENABLED: 'true',
      PG_CONNECT_TIMEOUT_MS: '2000',
      STATUS_DEADLINE_MS: '1000',
      LOG_LEVEL: 'WARNING',
    });
    admin = new HistoryClient(api, await api.adminToken());
    viewer = new HistoryClient(api, await api.userToken('hist-sched-viewer', 'viewer'));
    await admin.createServer(monitorBody(healthy[0] ?? '', targets.pg.main));
    await admin.createServer(monitorBody(healthy[1] ?? '', targets.pg.stats));
    createdAt = Date.now();
    await admin.createServer({
      name: silent,
      host: LOOPBACK,
      port: targets.silentPort,
      user: 'nobody',
      password: 'never-sent',
    });
    const ids = await Promise.all(healthy.map((name) => admin.serverId(name)));
    const silentState = async () =>
      (await viewer.collectorStatus()).servers.find((entry) => entry.server === silent);
    await eventually(
      async () => ({
        rounds: await Promise.all(ids.map((id) => rounds(api, id))),
        silentFailures: (await silentState())?.consecutive_failures ?? 0,
      }),
      (progress) =>
        progress.rounds.every((list) => list.length >= 2) && progress.silentFailures >= 2,
      25_000,
      'two samples of each healthy server and two failures of the silent one',
      250,
    );
    reached = {
      rounds: await Promise.all(ids.map((id) => rounds(api, id))),
    };
  });

  after(async () => {
    await api?.close();
    output.stop();
  });

  const entry = (status: CollectorStatus, name: string): CollectorServerStatus => {
    const found = status.servers.find((server) => server.server === name);
    assert.ok(found, `${name} in ${JSON.stringify(status.servers)}`);
    return found;
  };

  describe('GET /api/collector/status', () => {
    it('returns the healthy servers sampled at least twice within 15 s despite the silent one', () => {
      // A new server is scheduled at the next tick (every second), due within one interval;
      // the next slot is one jittered interval (at most 5.5 s) later: 13.5 s at worst.
      for (const list of reached.rounds) {
        const second = (list[1] ?? Infinity) - createdAt;
        assert.ok(second < 15_000, `second sample after ${second} ms: ${JSON.stringify(list)}`);
      }
    });

    it('returns samples of one server at least an interval apart (never sampled twice per slot)', () => {
      for (const list of reached.rounds) {
        for (let k = 1; k < list.length; k++) {
          const gap = (list[k] ?? 0) - (list[k - 1] ?? 0);
          assert.ok(gap >= 4000, `samples ${gap} ms apart: ${JSON.stringify(list)}`);
        }
      }
    });

    it('returns the healthy servers as healthy, with their last success and no error', async () => {
      const status = await viewer.collectorStatus();
      const collector = api.app.get(CollectorService);
      for (const name of healthy) {
        const server = entry(status, name);
        assert.equal(server.healthy, true, JSON.stringify(server));
        assert.ok(isIsoTimestamp(server.last_success_at));
        assert.ok(Date.now() - Date.parse(server.last_success_at ?? '') < 10_000);
        assert.ok(isIsoTimestamp(server.last_attempt_at));
        assert.ok(isIsoTimestamp(server.next_due_at));
        assert.equal(server.last_error, null);
        assert.equal(server.consecutive_failures, 0);
        assert.ok((server.databases ?? 0) >= 2, `${server.databases} databases`);
        assert.equal(server.claimed_by, collector.instanceId);
        // Started within a tick of its due time: the silent server held nobody up.
        assert.ok((server.sample_lag_ms ?? Infinity) < 2500, `lag ${server.sample_lag_ms} ms`);
        assert.ok(
          (server.last_duration_ms ?? Infinity) < 2000,
          `took ${server.last_duration_ms} ms`,
        );
      }
    });

    it('returns the silent server with a timeout error and its consecutive failures', async () => {
      const server = entry(await viewer.collectorStatus(), silent);
      assert.equal(server.healthy, false);
      assert.equal(server.last_success_at, null);
      assert.equal(server.last_error?.code, 'timeout');
      assert.equal(server.last_error?.message, 'no answer within 2000 ms');
      assert.ok(isIsoTimestamp(server.last_error?.at));
      assert.ok(server.consecutive_failures >= 2, `${server.consecutive_failures} failures`);
      assert.equal(server.databases, null);
    });

    it('returns the settings and every server, ordered by name', async () => {
      const status = await viewer.collectorStatus();
      assert.equal(status.interval_seconds, 5);
      assert.equal(status.retention_days, 90);
      assert.equal(status.collector_in_this_process, true);
      const names = status.servers.map((server) => server.server);
      assert.deepEqual(names, [...names].sort());
      assert.deepEqual([...names].sort(), [...healthy, silent].sort());
      for (const server of status.servers) {
        assert.deepEqual(Object.keys(server).sort(), [
          'claimed_by',
          'consecutive_failures',
          'databases',
          'healthy',
          'last_attempt_at',
          'last_duration_ms',
          'last_error',
          'last_success_at',
          'next_due_at',
          'sample_lag_ms',
          'server',
          'tasks',
        ]);
      }
    });

    it('answers 401 without a token', async () => {
      const response = await api.http.get('/api/collector/status');
      assert.equal(response.status, 401);
      assert.equal(response.headers['www-authenticate'], 'Bearer');
    });
  });

  describe('Collector log', () => {
    it('logs the failure of the silent server once, not at every sample', () => {
      const failures = output.lines(`${silent}: sampling failed`);
      assert.equal(failures.length, 1, failures.join('\n'));
      assert.match(failures[0] ?? '', /no answer within 2000 ms/);
      assert.deepEqual(output.lines(/Scheduling failed/), []);
      for (const name of healthy) assert.deepEqual(output.lines(`${name}: sampling failed`), []);
    });
  });
});
