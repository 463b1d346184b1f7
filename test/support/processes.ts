/**
 * Child processes of the tests: a clean environment, a temp working directory (so no `.env` of
 * the repository is read), a free port to listen on, and a long-running Node process (the API
 * or the collector) whose output is kept and that is stopped by signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './proc.js';

/** A Nest boot costs ~2 s of CPU, and several test files run at once. */
export const BOOT_TIMEOUT_MS = 60_000;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The environment of a child: PATH and HOME only, plus `env`. Nothing of the test process
 * (its DATA_DIR, keys, PGMON_TEST_TARGETS...) leaks into what is tested.
 */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
  };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A long-running Node process: output kept, stopped by signal. */
export class NodeProcess {
  private out = '';
  private err = '';
  private both = '';
  private exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  protected constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
      this.both += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
      this.both += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** `node <args>` with `env` only (see childEnv), in `cwd`. */
  static spawn(args: string[], env: Record<string, string | undefined>, cwd: string): NodeProcess {
    return new NodeProcess(spawnNode(args, env, cwd));
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** stdout, then stderr. */
  get output(): string {
    return `${this.out}${this.err}`;
  }

  /** stdout and stderr as they came, interleaved. */
  get interleaved(): string {
    return this.both;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = BOOT_TIMEOUT_MS): Promise<RegExpExecArray> {
    return this.waitForText(() => this.output, pattern, timeoutMs, 'the output');
  }

  /**
   * Polls `read()` until `pattern` matches it; throws with the text when the process exits
   * first or `timeoutMs` pass.
   */
  protected async waitForText(
    read: () => string,
    pattern: RegExp,
    timeoutMs: number,
    where: string,
  ): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(read());
      if (match) return match;
      if (!this.running || Date.now() > deadline) {
        throw new Error(`no ${String(pattern)} in ${where}:\n${read()}`);
      }
      await sleep(25);
    }
  }

  /** Resolves with the exit, or undefined when the process still runs after `ms`. */
  async exitWithin(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const exit = await this.exitWithin(graceMs);
    if (exit) return exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** `node <args>` with `env` only (see childEnv), in `cwd`, stdout and stderr piped. */
export function spawnNode(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): ChildProcess {
  return spawn(process.execPath, args, {
    cwd,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
