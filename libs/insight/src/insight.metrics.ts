import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

/**
 * What the query-insight tasks read and write (their time and CPU are the scheduler's
 * pgmon_collector_task_* series), and pg_stat_statements evictions: a sign that
 * pg_stat_statements.max is too small for the server's workload.
 */
@Injectable()
export class InsightMetrics {
  private readonly entries: Gauge<'server'>;
  private readonly evictions: Counter<'server'>;
  private readonly rows: Counter<'table'>;

  constructor(registry: Registry) {
    this.entries = new Gauge({
      name: 'pgmon_statements_entries',
      help: 'Entries in pg_stat_statements at the last reading',
      labelNames: ['server'],
      registers: [registry],
    });
    this.evictions = new Counter({
      name: 'pgmon_statements_evictions_total',
      help: 'pg_stat_statements entries the server evicted between readings (PostgreSQL 14+)',
      labelNames: ['server'],
      registers: [registry],
    });
    this.rows = new Counter({
      name: 'pgmon_insight_rows_written_total',
      help: 'Rows the statements and session tasks wrote to the store',
      labelNames: ['table'],
      registers: [registry],
    });
  }

  statementsRead(server: string, entries: number, rowsWritten: number): void {
    this.entries.set({ server }, entries);
    this.rows.inc({ table: 'statement_samples' }, rowsWritten);
  }

  statementsEvicted(server: string, evictions: number): void {
    this.evictions.inc({ server }, evictions);
  }

  sessionsSampled(rowsWritten: number): void {
    this.rows.inc({ table: 'activity_sessions' }, rowsWritten);
  }
}
