import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import { SettingsService } from '#settings';
import { StoreService } from '#store';
import type {
  CollectorRunView,
  CollectorServerView,
  CollectorStatusView,
  CollectorTaskView,
} from './collector-status.js';
import { TaskScheduler } from './tasks/task-scheduler.service.js';

/** The collector is honest about itself, whichever process runs it: read from the store. */
@Injectable()
export class CollectorStatusService {
  constructor(
    private readonly store: StoreService,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly scheduler: TaskScheduler,
  ) {}

  async status(): Promise<CollectorStatusView> {
    const rows = await this.store.db
      .selectFrom('servers')
      .leftJoin('collector_state', 'collector_state.server_id', 'servers.id')
      .select([
        'servers.name',
        'collector_state.last_success_at',
        'collector_state.last_attempt_at',
        'collector_state.next_due_at',
        'collector_state.sample_lag_ms',
        'collector_state.last_duration_ms',
        'collector_state.consecutive_failures',
        'collector_state.last_error_code',
        'collector_state.last_error_message',
        'collector_state.last_error_at',
        'collector_state.databases',
        'collector_state.claimed_by',
      ])
      .orderBy('servers.name')
      .execute();
    const staleAfter = 2 * this.settings.milliseconds('collect_interval');
    const tasks = await this.taskViews();
    return {
      interval_seconds: this.settings.value('collect_interval'),
      retention_days: this.settings.value('history_retention_days'),
      collector_in_this_process: this.config.collector.enabled,
      servers: rows.map((row): CollectorServerView => ({
        server: row.name,
        ...runView(row, staleAfter),
        sample_lag_ms: numberOrNull(row.sample_lag_ms),
        databases: numberOrNull(row.databases),
        claimed_by: row.claimed_by ?? null,
        tasks: tasks.get(row.name) ?? [],
      })),
    };
  }

  /** The other tasks' state, per server name. */
  private async taskViews(): Promise<Map<string, CollectorTaskView[]>> {
    const rows = await this.store.db
      .selectFrom('collector_tasks')
      .innerJoin('servers', 'servers.id', 'collector_tasks.server_id')
      .select([
        'servers.name',
        'collector_tasks.task',
        'collector_tasks.last_success_at',
        'collector_tasks.last_attempt_at',
        'collector_tasks.next_due_at',
        'collector_tasks.last_duration_ms',
        'collector_tasks.consecutive_failures',
        'collector_tasks.skipped_runs',
        'collector_tasks.last_error_code',
        'collector_tasks.last_error_message',
        'collector_tasks.last_error_at',
      ])
      .orderBy('collector_tasks.task')
      .execute();
    const byServer = new Map<string, CollectorTaskView[]>();
    for (const row of rows) {
      const intervalMs = this.scheduler.intervalOf(row.task);
      const staleAfter = intervalMs === undefined ? Infinity : 2 * intervalMs + 5000;
      const view: CollectorTaskView = {
        task: row.task,
        ...runView(row, staleAfter),
        skipped_runs: Number(row.skipped_runs),
      };
      byServer.set(row.name, [...(byServer.get(row.name) ?? []), view]);
    }
    return byServer;
  }
}

interface RunRow {
  last_success_at: number | null;
  last_attempt_at: number | null;
  next_due_at: number | null;
  last_duration_ms: number | null;
  consecutive_failures: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: number | null;
}

/** The part every collector run view shares; healthy: no error and a success within `staleAfter`. */
function runView(row: RunRow, staleAfter: number): CollectorRunView {
  const lastSuccess = numberOrNull(row.last_success_at);
  return {
    healthy: !row.last_error_code && lastSuccess !== null && Date.now() - lastSuccess < staleAfter,
    last_success_at: iso(lastSuccess),
    last_attempt_at: iso(numberOrNull(row.last_attempt_at)),
    next_due_at: iso(numberOrNull(row.next_due_at)),
    last_duration_ms: numberOrNull(row.last_duration_ms),
    consecutive_failures: Number(row.consecutive_failures ?? 0),
    last_error: row.last_error_code
      ? {
          code: row.last_error_code,
          message: row.last_error_message ?? '',
          at: iso(numberOrNull(row.last_error_at)),
        }
      : null,
  };
}

function numberOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
