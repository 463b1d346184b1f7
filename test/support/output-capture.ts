/**
 * Captures what the tests' own process writes to stdout/stderr while an in-process app runs:
 * the app's log lines are recorded and kept out of the test output, so tests can check the log
 * (access lines, no secrets, no failures) without it flooding the runner's report.
 */

/** A line of the app's text log (createAppLogger: Nest's ConsoleLogger, `[Nest] <pid>  - `). */
const APP_LOG_LINE = /\[Nest\] \d+ {2}- /;

/**
 * What `text` holds: 'everything' written to either stream (for checks that nothing written
 * anywhere leaks a secret), or only the 'app-log' lines (for checks on the app's own lines).
 */
export type CaptureScope = 'everything' | 'app-log';

export class OutputCapture {
  private chunks: string[] = [];
  private readonly restores: (() => void)[] = [];

  constructor(private readonly scope: CaptureScope) {}

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const own = Object.getOwnPropertyDescriptor(stream, 'write');
      const forward = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      stream.write = (chunk: unknown, ...rest: unknown[]): boolean => {
        const text =
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
        const appLog = APP_LOG_LINE.test(text);
        if (appLog || this.scope === 'everything') this.chunks.push(text);
        if (!appLog) return forward(chunk, ...rest);
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      };
      this.restores.push(() => {
        if (own) Object.defineProperty(stream, 'write', own);
        else Reflect.deleteProperty(stream, 'write');
      });
    }
  }

  stop(): void {
    for (const restore of this.restores.splice(0)) restore();
  }

  get text(): string {
    return this.chunks.join('');
  }

  /** Captured lines containing `needle`. */
  lines(needle: string | RegExp): string[] {
    return this.text
      .split('\n')
      .filter((line) => (typeof needle === 'string' ? line.includes(needle) : needle.test(line)));
  }

  /**
   * Waits (up to `ms`) until the captured text matches, without failing: the access line of a
   * request is written when its response finishes, after the client already has the response.
   */
  async waitFor(pattern: RegExp, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pattern.test(this.text) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
