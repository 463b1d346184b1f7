import { Injectable } from '@nestjs/common';
import { StoreService } from '#store';

/** A slot of one task on one server, claimed by this process. */
export interface TaskClaim {
  serverId: number;
  dueAt: number;
}

export interface TaskOutcome {
  durationMs: number;
  error: { code: string; message: string } | null;
}

/** The collector_tasks table: the schedule and last outcome of each (server, task). */
@Injectable()
export class TaskScheduleRepository {
  constructor(private readonly store: StoreService) {}

  /** Schedules the task for servers that have no row for it yet, spread over one interval. */
  async scheduleNewServers(task: string, intervalMs: number, now = Date.now()): Promise<void> {
    const missing = await this.store.db
      .selectFrom('servers')
      .leftJoin('collector_tasks', (join) =>
        join
          .onRef('collector_tasks.server_id', '=', 'servers.id')
          .on('collector_tasks.task', '=', task),
      )
      .select('servers.id')
      .where('collector_tasks.server_id', 'is', null)
      .execute();
    for (const { id } of missing) {
      await this.store.db
        .insertInto('collector_tasks')
        .values({
          server_id: Number(id),
          task,
          next_due_at: now + Math.floor(Math.random() * Math.min(intervalMs, 10_000)),
          consecutive_failures: 0,
          skipped_runs: 0,
        })
        .onConflict((oc) => oc.columns(['server_id', 'task']).doNothing())
        .execute();
    }
  }

  /** Slots of the task due later than `intervalMs` from now are moved to now + intervalMs. */
  async pullNextDueWithin(task: string, intervalMs: number, now = Date.now()): Promise<void> {
    await this.store.db
      .updateTable('collector_tasks')
      .set({ next_due_at: now + intervalMs })
      .where('task', '=', task)
      .where('next_due_at', '>', now + intervalMs)
      .execute();
  }

  /**
   * Claims up to `limit` due slots of the task that no run holds. Each claim is a conditional
   * update of that row, so of several collectors exactly one gets it; the lease
   * (running_until) keeps others off until the run ends or the lease expires.
   */
  async claimDue(
    task: string,
    owner: string,
    limit: number,
    intervalMs: number,
    leaseMs: number,
    now = Date.now(),
  ): Promise<TaskClaim[]> {
    const due = await this.store.db
      .selectFrom('collector_tasks')
      .select(['server_id', 'next_due_at'])
      .where('task', '=', task)
      .where('next_due_at', '<=', now)
      .where((eb) => eb.or([eb('running_until', 'is', null), eb('running_until', '<', now)]))
      .orderBy('next_due_at')
      .limit(limit)
      .execute();
    const claims: TaskClaim[] = [];
    for (const row of due) {
      const dueAt = Number(row.next_due_at);
      const result = await this.store.db
        .updateTable('collector_tasks')
        .set({
          next_due_at: nextSlot(dueAt, intervalMs, now),
          running_until: now + leaseMs,
          claimed_by: owner,
          last_attempt_at: now,
        })
        .where('server_id', '=', row.server_id)
        .where('task', '=', task)
        .where('next_due_at', '=', row.next_due_at)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1)
        claims.push({ serverId: Number(row.server_id), dueAt });
    }
    return claims;
  }

  /**
   * Ends a run: releases the lease, records the outcome, and moves past the slots that fell
   * due while it ran (they are skipped, not run late one after another).
   */
  async finish(
    task: string,
    claim: TaskClaim,
    outcome: TaskOutcome,
    intervalMs: number,
    now = Date.now(),
  ): Promise<void> {
    const row = await this.store.db
      .selectFrom('collector_tasks')
      .select(['next_due_at', 'skipped_runs', 'consecutive_failures'])
      .where('server_id', '=', claim.serverId)
      .where('task', '=', task)
      .executeTakeFirst();
    if (!row) return;
    const nextDue = Number(row.next_due_at);
    const next = nextDue <= now ? nextSlot(nextDue, intervalMs, now) : nextDue;
    const skipped = nextDue <= now ? Math.ceil((next - nextDue) / intervalMs) : 0;
    await this.store.db
      .updateTable('collector_tasks')
      .set({
        next_due_at: next,
        running_until: null,
        last_duration_ms: Math.round(outcome.durationMs),
        skipped_runs: Number(row.skipped_runs) + skipped,
        ...(outcome.error
          ? {
              last_error_code: outcome.error.code,
              last_error_message: outcome.error.message.slice(0, 512),
              last_error_at: now,
              consecutive_failures: Number(row.consecutive_failures) + 1,
            }
          : {
              last_success_at: now,
              last_error_code: null,
              last_error_message: null,
              consecutive_failures: 0,
            }),
      })
      .where('server_id', '=', claim.serverId)
      .where('task', '=', task)
      .execute();
  }

  /** The last error code of the task on the server (to log a failure once, when it starts). */
  async lastErrorCode(task: string, serverId: number): Promise<string | null> {
    const row = await this.store.db
      .selectFrom('collector_tasks')
      .select('last_error_code')
      .where('server_id', '=', serverId)
      .where('task', '=', task)
      .executeTakeFirst();
    return row?.last_error_code ?? null;
  }
}

/** The first slot after `now` on the grid `dueAt + k * intervalMs` (k >= 1). */
export function nextSlot(dueAt: number, intervalMs: number, now: number): number {
  const step = Math.max(1, intervalMs);
  const k = Math.max(1, Math.floor((now - dueAt) / step) + 1);
  return dueAt + k * step;
}
