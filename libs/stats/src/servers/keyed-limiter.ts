/** A caller waited longer than the limiter allows for a free slot. */
export class LimiterBusyError extends Error {
  override readonly name = 'LimiterBusyError';
  constructor(readonly key: string) {
    super(`no free slot for ${key}`);
  }
}

interface Slots {
  running: number;
  /** Grants of the callers waiting, first come first served. */
  waiting: (() => void)[];
}

/**
 * At most `limit` runs per key at once; further callers wait in order, each at most `maxWaitMs`,
 * then fail with LimiterBusyError. Keys without runs are forgotten.
 */
export class KeyedLimiter {
  private readonly slots = new Map<string, Slots>();

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  /** Runs holding a slot of `key` now (for tests and metrics). */
  running(key: string): number {
    return this.slots.get(key)?.running ?? 0;
  }

  private acquire(key: string): Promise<void> {
    let slots = this.slots.get(key);
    if (!slots) this.slots.set(key, (slots = { running: 0, waiting: [] }));
    if (slots.running < this.limit) {
      slots.running += 1;
      return Promise.resolve();
    }
    const queue = slots.waiting;
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(grant), 1);
        reject(new LimiterBusyError(key));
      }, this.maxWaitMs);
      queue.push(grant);
    });
  }

  /** Hands the slot to the next caller waiting, or frees it. */
  private release(key: string): void {
    const slots = this.slots.get(key);
    if (!slots) return;
    const next = slots.waiting.shift();
    if (next) return next();
    slots.running -= 1;
    if (slots.running === 0) this.slots.delete(key);
  }
}
