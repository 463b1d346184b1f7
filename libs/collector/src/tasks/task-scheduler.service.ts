import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#config';
import { ServersService, type ServerRecord } from '#servers';
import { SystemEventsService, taskSource } from '#system-events';
import { describePgFailure, TargetFailedError, type PgFailure } from '#target-query';
import { CollectorService } from '../collector.service.js';
import { SerialRounds } from '../serial-rounds.js';
import type { ServerTask } from './server-task.js';
import { TaskScheduleRepository, type TaskClaim } from './task-schedule.repository.js';
import { TaskMetrics } from './task.metrics.js';

/** How often due slots are looked for (tasks may run every second). */
const TICK_MS = 250;
/** How long shutdown waits for runs in flight. */
const DRAIN_MS = 10_000;
/** A run's lease: past it, another collector may take the slot over (this one died). */
const MIN_LEASE_MS = 60_000;
const DEFAULT_CONCURRENCY = 4;

/**
 * Runs every registered ServerTask on every server at its interval, through slots claimed in
 * the store (collector_tasks). Per task, at most `concurrency` servers at once per process; a
 * run still going when its next slot is due makes that slot skipped, never stacked. Runs only
 * where the collector runs (COLLECTOR_ENABLED, or the collector process).
 */
@Injectable()
export class TaskScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Collector');
  private readonly tasks = new Map<string, ServerTask>();
  private readonly running = new Map<string, Set<Promise<void>>>();
  /** Each task's interval at its previous claim, to notice it shrink. */
  private readonly lastIntervals = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly rounds = new SerialRounds(() => this.claimAll());
  private stopped = false;

  constructor(
    private readonly repository: TaskScheduleRepository,
    private readonly servers: ServersService,
    private readonly collector: CollectorService,
    private readonly metrics: TaskMetrics,
    private readonly config: AppConfig,
    private readonly events: SystemEventsService,
  ) {}

  /** Adds a task (from the feature's onModuleInit; later works too: the next round sees it). */
  register(task: ServerTask): void {
    if (this.tasks.has(task.name)) throw new Error(`collector task ${task.name} registered twice`);
    this.tasks.set(task.name, task);
    this.running.set(task.name, new Set());
  }

  onApplicationBootstrap(): void {
    if (!this.config.collector.enabled) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    const described = [...this.tasks.values()].map(
      (t) => `${t.name} every ${t.intervalMs() / 1000} s`,
    );
    if (described.length > 0) this.logger.log(`Tasks: ${described.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.rounds.drain(
      () => [...this.running.values()].flatMap((runs) => [...runs]),
      DRAIN_MS,
    );
  }

  /** One round: for each task, claim due slots for its free places and run them. */
  async tick(): Promise<void> {
    if (!this.stopped) await this.rounds.run();
  }

  private async claimAll(): Promise<void> {
    try {
      for (const task of this.tasks.values()) await this.claimAndRun(task);
    } catch (error) {
      this.logger.error(
        `Task scheduling failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** The task's current interval, or undefined for a task this process does not know. */
  intervalOf(taskName: string): number | undefined {
    return this.tasks.get(taskName)?.intervalMs();
  }

  /** Runs the task on one server now, outside the schedule (tests, benchmarks). */
  async runNow(taskName: string, serverId: number): Promise<void> {
    const task = this.tasks.get(taskName);
    if (!task) throw new Error(`no collector task ${taskName}`);
    await this.execute(task, { serverId, dueAt: Date.now() });
  }

  private async claimAndRun(task: ServerTask): Promise<void> {
    const runs = this.running.get(task.name) ?? new Set();
    const free = (task.concurrency ?? DEFAULT_CONCURRENCY) - runs.size;
    if (free <= 0) return;
    const intervalMs = task.intervalMs();
    // A shorter interval (a changed setting) applies now, not after the slots of the longer one.
    const last = this.lastIntervals.get(task.name);
    if (last !== undefined && intervalMs < last)
      await this.repository.pullNextDueWithin(task.name, intervalMs);
    this.lastIntervals.set(task.name, intervalMs);
    await this.repository.scheduleNewServers(task.name, intervalMs);
    const leaseMs = Math.max(MIN_LEASE_MS, 2 * intervalMs);
    const claims = await this.repository.claimDue(
      task.name,
      this.collector.instanceId,
      free,
      intervalMs,
      leaseMs,
    );
    // Stopped while claiming: the claims' leases run out and another collector takes them.
    if (this.stopped) return;
    for (const claim of claims) {
      const run = this.execute(task, claim)
        .catch((error: unknown) =>
          this.logger.error(
            `${task.name} run failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => runs.delete(run));
      runs.add(run);
    }
  }

  private async execute(task: ServerTask, claim: TaskClaim): Promise<void> {
    const server = await this.servers.findById(claim.serverId);
    if (!server) return;
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    let error: PgFailure | null = null;
    try {
      await task.run(server, { dueAt: claim.dueAt, startedAt: started });
    } catch (thrown) {
      error = this.describe(task, server, thrown);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const durationMs = Date.now() - started;
    this.metrics.ran(task.name, durationMs, cpu.user + cpu.system);
    const previous = await this.repository.lastErrorCode(task.name, server.id).catch(() => null);
    await this.repository
      .finish(task.name, claim, { durationMs, error }, task.intervalMs())
      .catch((e: unknown) => this.logger.error(`${task.name} on ${server.name}: ${String(e)}`));
    await this.reportTransition(task, server, previous, error);
  }

  private describe(task: ServerTask, server: ServerRecord, thrown: unknown): PgFailure {
    this.metrics.failed(task.name, server.name);
    if (thrown instanceof TargetFailedError) return thrown.failure;
    const failure = describePgFailure(thrown, {
      host: server.host,
      port: server.port,
      user: server.user,
      database: server.database,
      timeoutMs: this.config.targets.connectTimeoutMs,
    });
    if (failure.code === 'unknown') {
      this.logger.error(
        `${task.name} on ${server.name} failed: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
      );
    }
    return failure;
  }

  /**
   * A failure is logged and recorded (GET /api/logs) once when it starts and once when it ends,
   * not at every run.
   */
  private async reportTransition(
    task: ServerTask,
    server: ServerRecord,
    previous: string | null,
    error: PgFailure | null,
  ): Promise<void> {
    const source = taskSource(task.name);
    if (error && error.code !== previous) {
      const message = `${server.name}: ${task.name} failed: ${error.message}`;
      this.logger.warn(message);
      await this.events.record({ level: 'error', source, message, details: error.code });
    } else if (!error && previous) {
      const message = `${server.name}: ${task.name} works again`;
      this.logger.log(message);
      await this.events.record({ level: 'info', source, message });
    }
  }
}
