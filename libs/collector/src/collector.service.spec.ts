import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { AppConfig, buildAppConfig, envSchema } from '#config';
import type { ServerRecord, ServersService } from '#servers';
import type { SettingKey, SettingsService } from '#settings';
import type { StoreService } from '#store';
import type { NewSystemEvent, SystemEventsService } from '#system-events';
import { Registry } from 'prom-client';
import { CollectorMetrics } from './collector.metrics.js';
import type { Claim, CollectorRepository } from './collector.repository.js';
import { CollectorService } from './collector.service.js';
import type { SampleResult, ServerSampler } from './server-sampler.js';

/**
 * Unit tests of the scheduling and bookkeeping around a sample; the store, the sampler and the
 * servers are stand-ins (the route tests run the real ones).
 */

interface State {
  last_error_code: string | null;
}

/** The settings as the environment gives them (no admin changed any). */
function settingsOf(config: AppConfig): SettingsService {
  const seconds: Partial<Record<SettingKey, number>> = {
    collect_interval: config.collector.intervalSeconds,
    size_update_interval: config.collector.sizeIntervalSeconds,
  };
  const value = (key: SettingKey): number => seconds[key] ?? 0;
  return { value, milliseconds: (key: SettingKey) => value(key) * 1000 } as SettingsService;
}

class FakeRepository {
  scheduled = 0;
  due: Claim[] = [];
  claimLimits: number[] = [];
  failClaims = false;
  readonly states = new Map<number, State>();
  readonly successes: { serverId: number; lagMs: number; databases: number }[] = [];
  readonly failures: { serverId: number; code: string; message: string }[] = [];

  scheduleNewServers(): Promise<void> {
    this.scheduled++;
    return Promise.resolve();
  }

  claimDue(_owner: string, limit: number): Promise<Claim[]> {
    this.claimLimits.push(limit);
    if (this.failClaims) return Promise.reject(new Error('store is gone'));
    return Promise.resolve(this.due.splice(0, limit));
  }

  state(serverId: number): Promise<State | undefined> {
    return Promise.resolve(this.states.get(serverId));
  }

  recordSuccess(serverId: number, _ms: number, lagMs: number, databases: number): Promise<void> {
    this.successes.push({ serverId, lagMs, databases });
    this.states.set(serverId, { last_error_code: null });
    return Promise.resolve();
  }

  recordFailure(serverId: number, code: string, message: string): Promise<void> {
    this.failures.push({ serverId, code, message });
    this.states.set(serverId, { last_error_code: code });
    return Promise.resolve();
  }
}

/** Answers each sample with the next scripted outcome; `hold` keeps samples pending. */
class FakeSampler {
  readonly calls: { serverId: number; sizesDue: boolean }[] = [];
  outcomes: (SampleResult | Error)[] = [];
  private held: (() => void)[] = [];
  hold = false;

  sample(server: ServerRecord, claim: Claim): Promise<SampleResult> {
    this.calls.push({ serverId: server.id, sizesDue: claim.sizesDue });
    const outcome = this.outcomes.shift() ?? { databases: 3 };
    const settle = (): Promise<SampleResult> =>
      outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    if (!this.hold) return settle();
    return new Promise<void>((resolve) => this.held.push(resolve)).then(settle);
  }

  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}

/** Keeps the events the collector records (GET /api/logs). */
class RecordingEvents {
  readonly events: NewSystemEvent[] = [];
  record(event: NewSystemEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
}

class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  debug(): void {}
  verbose(): void {}

  count(level: string, pattern: RegExp): number {
    return this.lines.filter((line) => line.level === level && pattern.test(line.message)).length;
  }
}

function server(id: number, name = `db-${id}`): ServerRecord {
  return {
    id,
    name,
    host: '10.0.0.1',
    port: 5432,
    user: 'pgmon',
    database: 'postgres',
  } as unknown as ServerRecord;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(CollectorService.name, () => {
  let dataDir: string;
  let config: AppConfig;
  let repository: FakeRepository;
  let sampler: FakeSampler;
  let logger: RecordingLogger;
  let service: CollectorService;
  let metrics: CollectorMetrics;
  let events: RecordingEvents;
  const known = new Map<number, ServerRecord>([
    [1, server(1, 'alpha')],
    [2, server(2, 'beta')],
    [3, server(3, 'gamma')],
  ]);

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pgmon-collector-unit-'));
    config = buildAppConfig(
      envSchema.parse({
        DATA_DIR: dataDir,
        SECRET_KEY: randomBytes(32).toString('base64url'),
        ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
        COLLECT_INTERVAL: '5',
        COLLECT_CONCURRENCY: '2',
        PG_CONNECT_TIMEOUT_MS: '2000',
      }),
    );
  });
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    repository = new FakeRepository();
    sampler = new FakeSampler();
    logger = new RecordingLogger();
    events = new RecordingEvents();
    Logger.overrideLogger(logger);
    const servers = { findById: (id: number) => Promise.resolve(known.get(id)) };
    metrics = new CollectorMetrics(new Registry(), {} as StoreService);
    service = new CollectorService(
      repository as unknown as CollectorRepository,
      sampler as unknown as ServerSampler,
      servers as unknown as ServersService,
      config,
      metrics,
      settingsOf(config),
      events as unknown as SystemEventsService,
    );
  });
  afterEach(async () => {
    sampler.release();
    await service.onApplicationShutdown();
    Logger.overrideLogger(new ConsoleLogger());
  });

  describe('collectNow', () => {
    it('returns after scheduling new servers and recording the sample as a success', async () => {
      await service.collectNow(2);
      assert.equal(repository.scheduled, 1);
      assert.deepEqual(sampler.calls, [{ serverId: 2, sizesDue: true }]);
      assert.equal(repository.successes.length, 1);
      assert.equal(repository.successes[0]?.serverId, 2);
      assert.equal(repository.successes[0]?.databases, 3);
      assert.ok((repository.successes[0]?.lagMs ?? -1) >= 0);
      assert.deepEqual(repository.failures, []);
    });

    it('returns with sizes skipped when asked', async () => {
      await service.collectNow(1, false);
      assert.deepEqual(sampler.calls, [{ serverId: 1, sizesDue: false }]);
    });

    it('returns without sampling a server that no longer exists', async () => {
      await service.collectNow(99);
      assert.deepEqual(sampler.calls, []);
      assert.deepEqual(repository.successes, []);
      assert.deepEqual(repository.failures, []);
    });
  });

  describe('failures', () => {
    it('returns the failure as a stable code and message, never the raw driver text', async () => {
      sampler.outcomes = [
        Object.assign(new Error('connect ECONNREFUSED /secret/path'), { code: 'ECONNREFUSED' }),
      ];
      await service.collectNow(1);
      assert.deepEqual(repository.failures, [
        {
          serverId: 1,
          code: 'connection_refused',
          message: 'nothing accepts connections on 10.0.0.1:5432',
        },
      ]);
      assert.deepEqual(repository.successes, []);
    });

    it('returns a timeout naming the connect timeout', async () => {
      sampler.outcomes = [new Error('timeout exceeded when trying to connect')];
      await service.collectNow(1);
      assert.equal(repository.failures[0]?.code, 'timeout');
      assert.match(repository.failures[0]?.message ?? '', /2000 ms/);
    });

    it('logs a failure once while it repeats, again when it changes, and the recovery once', async () => {
      const refused = () => Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      sampler.outcomes = [
        refused(),
        refused(),
        refused(),
        new Error('Connection terminated due to connection timeout'),
        new Error('Connection terminated due to connection timeout'),
        { databases: 1 },
        { databases: 1 },
        refused(),
      ];
      for (let round = 0; round < 8; round++) await service.collectNow(1);
      assert.equal(repository.failures.length, 6);
      assert.equal(logger.count('warn', /^alpha: sampling failed: nothing accepts connections/), 2);
      assert.equal(logger.count('warn', /^alpha: sampling failed: no answer within 2000 ms/), 1);
      assert.equal(logger.count('warn', /sampling failed/), 3);
      assert.equal(logger.count('log', /^alpha: sampling works again$/), 1);
    });

    it('records each failure transition and the recovery as an event (GET /api/logs)', async () => {
      const refused = () => Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      sampler.outcomes = [refused(), refused(), { databases: 1 }, { databases: 1 }];
      for (let round = 0; round < 4; round++) await service.collectNow(1);
      assert.deepEqual(
        events.events.map(({ level, source, message }) => [level, source, message.split(':')[1]]),
        [
          ['error', 'collector_stats', ' sampling failed'],
          ['info', 'collector_stats', ' sampling works again'],
        ],
      );
      assert.equal(events.events[0]?.details, 'connection_refused');
    });

    it('keeps the failures of one server apart from the others', async () => {
      sampler.outcomes = [
        Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      ];
      await service.collectNow(1);
      await service.collectNow(2);
      assert.equal(logger.count('warn', /^alpha: sampling failed/), 1);
      assert.equal(logger.count('warn', /^beta: sampling failed/), 1);
    });
  });

  describe('tick', () => {
    it('returns after claiming at most the free slots and sampling the claims in the background', async () => {
      sampler.hold = true;
      repository.due = [1, 2, 3].map((serverId) => ({
        serverId,
        dueAt: Date.now(),
        sizesDue: false,
      }));
      await service.tick();
      await flush();
      assert.deepEqual(repository.claimLimits, [2]);
      assert.deepEqual(
        sampler.calls.map((call) => call.serverId),
        [1, 2],
      );
      // Both slots busy: no claim at all.
      await service.tick();
      assert.deepEqual(repository.claimLimits, [2]);
      sampler.release();
      await service.onApplicationShutdown();
      assert.equal(repository.successes.length, 2);
    });

    it('returns claims to the free slots again once samples finished', async () => {
      sampler.hold = true;
      repository.due = [1, 2, 3].map((serverId) => ({
        serverId,
        dueAt: Date.now(),
        sizesDue: false,
      }));
      await service.tick();
      await flush();
      sampler.hold = false;
      sampler.release();
      for (let i = 0; i < 5 && repository.successes.length < 2; i++) await flush();
      await service.tick();
      for (let i = 0; i < 5 && repository.successes.length < 3; i++) await flush();
      assert.deepEqual(repository.claimLimits, [2, 2]);
      assert.deepEqual(
        sampler.calls.map((call) => call.serverId),
        [1, 2, 3],
      );
      assert.equal(repository.successes.length, 3);
    });

    it('logs a scheduling failure and keeps ticking', async () => {
      repository.failClaims = true;
      await service.tick();
      assert.equal(logger.count('error', /^Scheduling failed: store is gone$/), 1);
      repository.failClaims = false;
      repository.due = [{ serverId: 3, dueAt: Date.now(), sizesDue: true }];
      await service.tick();
      for (let i = 0; i < 5 && repository.successes.length < 1; i++) await flush();
      assert.deepEqual(sampler.calls, [{ serverId: 3, sizesDue: true }]);
    });

    it('returns without claiming anything after shutdown', async () => {
      await service.onApplicationShutdown();
      repository.due = [{ serverId: 1, dueAt: Date.now(), sizesDue: false }];
      await service.tick();
      assert.deepEqual(repository.claimLimits, []);
      assert.deepEqual(sampler.calls, []);
    });
  });

  describe('instanceId', () => {
    it('returns a distinct id per instance, naming the host and the process', () => {
      const other = new CollectorService(
        repository as unknown as CollectorRepository,
        sampler as unknown as ServerSampler,
        { findById: () => Promise.resolve(undefined) } as unknown as ServersService,
        config,
        metrics,
        settingsOf(config),
        events as unknown as SystemEventsService,
      );
      assert.notEqual(other.instanceId, service.instanceId);
      assert.match(service.instanceId, new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
    });

    it('returns an id that fits collector_state.claimed_by (varchar(64)) on a host with a 63-character name', () => {
      // Kubernetes pod names (the hostname of a pod) are up to 63 characters.
      const podName = 'pgmon-collector-7d9f8b6c5d-'.padEnd(63, 'x');
      mock.method(os, 'hostname', () => podName);
      syncBuiltinESMExports();
      try {
        const onPod = new CollectorService(
          repository as unknown as CollectorRepository,
          sampler as unknown as ServerSampler,
          { findById: () => Promise.resolve(undefined) } as unknown as ServersService,
          config,
          metrics,
          settingsOf(config),
          events as unknown as SystemEventsService,
        );
        assert.ok(
          onPod.instanceId.length <= 64,
          `${onPod.instanceId.length} characters: PostgreSQL refuses the claim (value too long)`,
        );
        assert.match(onPod.instanceId, new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
      } finally {
        mock.restoreAll();
        syncBuiltinESMExports();
      }
    });
  });
});
