import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { StoreService } from '#store';

/** pgmon_alerts_firing{server,check,severity}: firing alerts, from the store (any collector). */
@Injectable()
export class AlertsMetrics {
  constructor(registry: Registry, store: StoreService) {
    new Gauge({
      name: 'pgmon_alerts_firing',
      help: 'Firing alerts per server, check and severity (silenced ones included)',
      labelNames: ['server', 'check', 'severity'],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await store.db
          .selectFrom('alerts')
          .innerJoin('servers', 'servers.id', 'alerts.server_id')
          .select(['servers.name', 'alerts.check_id', 'alerts.severity'])
          .select((eb) => eb.fn.countAll<number>().as('firing'))
          .where('alerts.state', '=', 'firing')
          .groupBy(['servers.name', 'alerts.check_id', 'alerts.severity'])
          .execute();
        for (const row of rows) {
          this.set(
            { server: row.name, check: row.check_id, severity: row.severity },
            Number(row.firing),
          );
        }
      },
    });
  }
}
