/**
 * The rounds of a periodic job, one at a time: a round asked for while one runs does not
 * start (the caller learns it, to ask again later), and shutdown waits for the running round
 * and for the work it started, up to a limit.
 */
export class SerialRounds {
  private running: Promise<void> | undefined;

  constructor(private readonly round: () => Promise<void>) {}

  /** A round runs now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Runs a round now; false, without running one, while another runs. */
  async run(): Promise<boolean> {
    if (this.running) return false;
    this.running = this.round();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    return true;
  }

  /** Waits for the running round, then for `started` (work it began), at most `limitMs`. */
  async drain(started: () => Iterable<Promise<unknown>>, limitMs: number): Promise<void> {
    const drained = async (): Promise<void> => {
      await this.running;
      await Promise.allSettled([...started()]);
    };
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      drained(),
      new Promise((resolve) => (timer = setTimeout(resolve, limitMs).unref())),
    ]);
    clearTimeout(timer);
  }
}
