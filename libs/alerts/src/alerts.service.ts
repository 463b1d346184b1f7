import { Injectable } from '@nestjs/common';
import { resolvePeriod } from '#history';
import { ServersService } from '#servers';
import { AlertsRepository, type AlertRecord } from './alerts.repository.js';
import type { AlertHistoryQueryDto, AlertHistoryView, AlertView } from './dto/alerts.dto.js';
import { covers, SilencesRepository } from './silences/silences.repository.js';

const DAY_MS = 86_400_000;

/** The routes' view of alerts: open ones (with their silences) and the history. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly silences: SilencesRepository,
    private readonly servers: ServersService,
  ) {}

  /** Pending and firing alerts: firing first, then critical first, then the oldest. */
  async open(): Promise<AlertView[]> {
    const [alerts, silences] = await Promise.all([
      this.alerts.open(),
      this.silences.active(Date.now()),
    ]);
    return alerts
      .sort((a, b) => rank(b) - rank(a) || a.since - b.since || a.id - b.id)
      .map((alert) => ({
        id: alert.id,
        server: alert.server,
        check: alert.check,
        object: alert.key || null,
        state: alert.state,
        severity: alert.severity,
        since: iso(alert.since),
        fired_at: alert.firedAt === null ? null : iso(alert.firedAt),
        value: alert.value,
        message: alert.message,
        silenced: covers(
          silences.filter((s) => s.serverId === null || s.serverId === alert.serverId),
          alert.check,
        ),
      }));
  }

  /** Alerts that were firing at some time of the period (default: the last 24 hours). */
  async history(query: AlertHistoryQueryDto): Promise<AlertHistoryView[]> {
    const { start, end } = resolvePeriod(query.start_date, query.end_date, DAY_MS);
    const serverId =
      query.server === undefined ? undefined : (await this.servers.get(query.server)).id;
    const alerts = await this.alerts.history({
      start,
      end,
      ...(serverId !== undefined && { serverId }),
      ...(query.check !== undefined && { check: query.check }),
      limit: query.limit ?? 100,
    });
    return alerts.map(historyView);
  }
}

function historyView(alert: AlertRecord): AlertHistoryView {
  return {
    id: alert.id,
    server: alert.server,
    check: alert.check,
    object: alert.key || null,
    state: alert.state === 'resolved' ? 'resolved' : 'firing',
    severity: alert.severity,
    since: iso(alert.since),
    fired_at: iso(alert.firedAt ?? alert.since),
    resolved_at: alert.resolvedAt === null ? null : iso(alert.resolvedAt),
    value: alert.value,
    message: alert.message,
  };
}

function rank(alert: AlertRecord): number {
  return (alert.state === 'firing' ? 2 : 0) + (alert.severity === 'critical' ? 1 : 0);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
