import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { CollectorService } from '#collector';
import { PoolRegistry } from '#pool';
import { SshService } from '#ssh';
import { ServerStatusService, type StatusEntry } from '#stats';
import { StoreService } from '#store';
import { HttpMetrics } from './http-metrics.js';

/**
 * The Prometheus registry of this process. Counters kept by the services (cache hits, pool
 * waits, collector failures) and per-target gauges are read when Prometheus scrapes.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly http = new HttpMetrics(this.registry);

  constructor(
    private readonly statuses: ServerStatusService,
    private readonly ssh: SshService,
    private readonly pools: PoolRegistry,
    private readonly collector: CollectorService,
    private readonly store: StoreService,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pgmon_process_' });
    this.registerCacheMetrics();
    this.registerPoolMetrics();
    this.registerCollectorMetrics();
    this.registerTargetMetrics();
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private registerCacheMetrics(): void {
    const counts = (): [string, { hits: number; misses: number }][] => [
      ['status', this.statuses.cacheCounts],
      ['ssh', this.ssh.cacheCounts],
    ];
    for (const [name, pick] of [
      ['pgmon_cache_hits_total', 'hits'],
      ['pgmon_cache_misses_total', 'misses'],
    ] as const) {
      new Counter({
        name,
        help: `Cache ${pick} by cache (status: server status entries, ssh: disk usage)`,
        labelNames: ['cache'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [cache, count] of counts()) this.inc({ cache }, count[pick]);
        },
      });
    }
  }

  private registerPoolMetrics(): void {
    const pools = this.pools;
    new Gauge({
      name: 'pgmon_pool_connections',
      help: 'Connections of each pool to a monitored database, by state',
      labelNames: ['pool', 'server', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [pool, status] of Object.entries(pools.status())) {
          for (const state of ['total', 'idle', 'waiting'] as const)
            this.set({ pool, server: status.server, state }, status[state]);
          this.set({ pool, server: status.server, state: 'max' }, status.maxconn);
        }
      },
    });
    for (const [name, field, help] of [
      ['pgmon_pool_acquired_total', 'acquired', 'Connections handed out by each pool'],
      ['pgmon_pool_waits_total', 'waited', 'Acquisitions that had to wait for a free connection'],
      ['pgmon_pool_errors_total', 'errors', 'Connection errors of each pool'],
    ] as const) {
      new Counter({
        name,
        help,
        labelNames: ['pool', 'server'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [pool, status] of Object.entries(pools.status()))
            this.inc({ pool, server: status.server }, status[field]);
        },
      });
    }
  }

  private registerCollectorMetrics(): void {
    const collector = this.collector;
    const store = this.store;
    new Counter({
      name: 'pgmon_collector_failures_total',
      help: 'Failed history samples per server (taken by this process)',
      labelNames: ['server'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [server, count] of collector.counts.failures) this.inc({ server }, count);
      },
    });
    new Gauge({
      name: 'pgmon_collector_lag_seconds',
      help: 'Seconds since the last successful history sample of each server (any collector process)',
      labelNames: ['server'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await store.db
          .selectFrom('servers')
          .innerJoin('collector_state', 'collector_state.server_id', 'servers.id')
          .select(['servers.name', 'collector_state.last_success_at'])
          .execute();
        for (const row of rows) {
          if (row.last_success_at !== null)
            this.set({ server: row.name }, (Date.now() - Number(row.last_success_at)) / 1000);
        }
      },
    });
  }

  /** Per-target gauges from the status entries (cached STATUS_CACHE_TTL seconds). */
  private registerTargetMetrics(): void {
    let scrape: Promise<StatusEntry[]> | undefined;
    const entries = (): Promise<StatusEntry[]> =>
      (scrape ??= this.statuses.listStatuses().finally(() => (scrape = undefined)));
    const gauge = (
      name: string,
      help: string,
      fill: (g: Gauge<string>, entry: StatusEntry) => void,
      labelNames = ['server'],
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const entry of await entries()) fill(this, entry);
        },
      });
    gauge('pgmon_target_up', '1 when PostgreSQL answered the last status read', (g, e) =>
      g.set({ server: e.name }, e.status.startsWith('ok') ? 1 : 0),
    );
    gauge('pgmon_target_uptime_seconds', 'Seconds since the server started', (g, e) =>
      setIf(g, e.name, e.uptime_seconds),
    );
    gauge(
      'pgmon_target_disk_free_bytes',
      'Bytes available on the data directory’s filesystem',
      (g, e) => setIf(g, e.name, e.free_space),
    );
    gauge('pgmon_target_disk_total_bytes', 'Size of the data directory’s filesystem', (g, e) =>
      setIf(g, e.name, e.total_space),
    );
    gauge(
      'pgmon_target_connections',
      'Backends by state (pg_stat_activity)',
      (g, e) => {
        for (const [state, count] of Object.entries(e.connections ?? {}))
          g.set({ server: e.name, state }, count);
      },
      ['server', 'state'],
    );
  }
}

function setIf(gauge: Gauge<string>, server: string, value: number | null): void {
  if (value !== null) gauge.set({ server }, value);
}
