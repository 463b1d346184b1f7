import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { ServerStatusService } from './server-status.service.js';
import type { StatusEntry } from './status-entry.js';

type Fill = (gauge: Gauge<string>, entry: StatusEntry) => void;

/**
 * Per-target gauges, from the status entries (cached STATUS_CACHE_TTL seconds, so a scrape
 * reads no server that was read recently). Several gauges of one scrape share one listing.
 */
@Injectable()
export class TargetMetrics {
  private scrape: Promise<StatusEntry[]> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly statuses: ServerStatusService,
  ) {
    this.gauge('pgmon_target_up', '1 when PostgreSQL answered the last status read', (g, e) =>
      g.set({ server: e.name }, e.status.startsWith('ok') ? 1 : 0),
    );
    this.gauge('pgmon_target_uptime_seconds', 'Seconds since the server started', (g, e) =>
      setIf(g, e.name, e.uptime_seconds),
    );
    this.gauge(
      'pgmon_target_disk_free_bytes',
      'Bytes available on the data directory’s filesystem',
      (g, e) => setIf(g, e.name, e.free_space),
    );
    this.gauge('pgmon_target_disk_total_bytes', 'Size of the data directory’s filesystem', (g, e) =>
      setIf(g, e.name, e.total_space),
    );
    this.gauge(
      'pgmon_target_connections',
      'Backends by state (pg_stat_activity)',
      (g, e) => {
        for (const [state, count] of Object.entries(e.connections ?? {}))
          g.set({ server: e.name, state }, count);
      },
      ['server', 'state'],
    );
  }

  private entries(): Promise<StatusEntry[]> {
    return (this.scrape ??= this.statuses.listStatuses().finally(() => (this.scrape = undefined)));
  }

  private gauge(name: string, help: string, fill: Fill, labelNames = ['server']): void {
    const entries = () => this.entries();
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
  }
}

function setIf(gauge: Gauge<string>, server: string, value: number | null): void {
  if (value !== null) gauge.set({ server }, value);
}
