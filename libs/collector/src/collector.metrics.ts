import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { StoreService } from '#store';

/** The collector's own series: failures taken here, and lag of every server (from the store). */
@Injectable()
export class CollectorMetrics {
  private readonly failures: Counter<'server'>;

  constructor(registry: Registry, store: StoreService) {
    this.failures = new Counter({
      name: 'pgmon_collector_failures_total',
      help: 'Failed history samples per server (taken by this process)',
      labelNames: ['server'],
      registers: [registry],
    });
    new Gauge({
      name: 'pgmon_collector_lag_seconds',
      help: 'Seconds since the last successful history sample of each server (any collector process)',
      labelNames: ['server'],
      registers: [registry],
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

  failed(server: string): void {
    this.failures.inc({ server });
  }
}
