import type { ServerRecord } from '#servers';

/** One run of a task on one server. */
export interface TaskRun {
  /** The slot this run was claimed for (epoch ms). */
  dueAt: number;
  /** When it started. */
  startedAt: number;
}

/**
 * A periodic job the collector runs for every server (statements snapshots, session samples,
 * checks, ...). Features register theirs with TaskScheduler.register() from their own module;
 * the scheduler claims slots in the store, so several collectors run each slot once.
 */
export interface ServerTask {
  /** Stable name, stored with the schedule (at most 32 characters). */
  readonly name: string;
  /** Time between runs per server; read at every claim, so a changed setting applies at once. */
  intervalMs(): number;
  /** Servers this task may work on at once in this process (default 4). */
  readonly concurrency?: number;
  /**
   * Does the work; throws on failure (TargetFailedError for a server that could not be read).
   * A run should stay well within its interval: one still going when the next slot is due
   * makes that slot skipped.
   */
  run(server: ServerRecord, run: TaskRun): Promise<void>;
}
