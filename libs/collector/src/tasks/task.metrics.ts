import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** What the collector's tasks cost this process, and how often they fail. */
@Injectable()
export class TaskMetrics {
  private readonly durations: Histogram<'task'>;
  private readonly cpu: Counter<'task'>;
  private readonly failures: Counter<'task' | 'server'>;

  constructor(registry: Registry) {
    this.durations = new Histogram({
      name: 'pgmon_collector_task_duration_seconds',
      help: 'Wall time of one run of a collector task on one server',
      labelNames: ['task'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.cpu = new Counter({
      name: 'pgmon_collector_task_cpu_seconds_total',
      help: 'CPU time of this process spent while a collector task ran (an upper bound: other work overlaps)',
      labelNames: ['task'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'pgmon_collector_task_failures_total',
      help: 'Failed runs of a collector task per server (taken by this process)',
      labelNames: ['task', 'server'],
      registers: [registry],
    });
  }

  ran(task: string, wallMs: number, cpuMicros: number): void {
    this.durations.observe({ task }, wallMs / 1000);
    this.cpu.inc({ task }, cpuMicros / 1e6);
  }

  failed(task: string, server: string): void {
    this.failures.inc({ task, server });
  }
}
