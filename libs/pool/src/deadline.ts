/** A call to a monitored server did not finish within its deadline; its connection was cut. */
export class DeadlineExceededError extends Error {
  readonly code = 'PGMON_DEADLINE';
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`);
  }
}

/**
 * Resolves with `work`, or rejects with DeadlineExceededError after `ms`, calling `onExpiry`
 * first (it must make `work` settle, e.g. by destroying its socket). No timer is left behind.
 */
export async function within<T>(ms: number, work: Promise<T>, onExpiry: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onExpiry();
      reject(new DeadlineExceededError(ms));
    }, ms);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}
