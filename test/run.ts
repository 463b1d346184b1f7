/**
 * pgmon test runner: `node --enable-source-maps dist/test/run.js [filter...]`.
 *
 * 1. Starts the real test targets (PostgreSQL clusters, sshd, special ports) in a fresh temp
 *    directory and hands them to the tests as JSON in PGMON_TEST_TARGETS (see
 *    test/support/targets-info.ts).
 * 2. Runs, with node:test's run(), every *.spec.js under dist/libs and dist/apps and every
 *    *.e2e-spec.js / *.spec.js under dist/test (except dist/test/support). Arguments keep only
 *    the files whose path (relative to dist/, or the matching .ts source path) contains one of
 *    them.
 *    Files named *.docker.e2e-spec.ts build images and run containers: minutes of both CPUs, so
 *    they run after the others, one at a time, with a longer timeout, and the timing-sensitive
 *    tests never share the machine with a Docker build.
 * 3. Always tears the targets down (also on failure, SIGINT and SIGTERM), then prints as its
 *    very last line `N passed, N failed` (`, N skipped` when some were skipped).
 *
 * Exit status: 0 only if no test failed and at least one ran; 130/143 after SIGINT/SIGTERM.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec, type TestEvent } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import { isRoot } from './support/proc.js';
import { TARGETS_ENV } from './support/targets-info.js';
import {
  describeTargets,
  startTargets,
  traversableByOthers,
  type RunningTargets,
} from './support/targets.js';

const FILE_TIMEOUT_MS = 5 * 60_000;
const DOCKER_FILE_TIMEOUT_MS = 20 * 60_000;
const DOCKER_FILE = /\.docker\.e2e-spec\.js$/;
const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function say(message: string): void {
  process.stdout.write(`[test] ${message}\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// discovery

async function walk(dir: string, accept: (file: string) => boolean, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue;
      if (full === path.join(distDir, 'test', 'support')) continue;
      await walk(full, accept, out);
    } else if (entry.isFile() && accept(entry.name)) {
      out.push(full);
    }
  }
}

async function discover(filters: string[]): Promise<string[]> {
  const files: string[] = [];
  const isSpec = (name: string) => name.endsWith('.spec.js');
  const isTestSpec = (name: string) => name.endsWith('.spec.js') || name.endsWith('.e2e-spec.js');
  await walk(path.join(distDir, 'libs'), isSpec, files);
  await walk(path.join(distDir, 'apps'), isSpec, files);
  await walk(path.join(distDir, 'test'), isTestSpec, files);
  const selected = files.filter((file) => {
    if (filters.length === 0) return true;
    const rel = path.relative(distDir, file);
    const source = rel.replace(/\.js$/, '.ts');
    return filters.some((f) => rel.includes(f) || source.includes(f));
  });
  return selected.sort();
}

// ---------------------------------------------------------------------------------------------
// counting

function failureType(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'failureType' in error) {
    const t = error.failureType;
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}

/**
 * Node 20 stream semantics (checked by experiment on v20.20):
 * - test:pass / test:fail are emitted for tests and for suites; suites carry
 *   details.type === 'suite'. A suite fails with failureType 'subtestsFailed' when one of its
 *   tests failed (already counted), or with 'hookFailed' / 'testCodeFailure' for a failing
 *   before/after hook or a throwing describe() body: those count as one failure.
 * - A file is a test named by its absolute path (nesting 0). It is only reported when it has
 *   no reported subtests or failed for a reason of its own: crash at import, non-zero exit
 *   after its tests passed, timeout ('testTimeoutFailure'), abort ('testAborted'). Its fail
 *   counts; its pass (a file without tests) does not.
 * - Skipped tests and todo tests come as test:pass with `skip` / `todo` set; a failing todo
 *   test comes as test:fail with `todo` set (node does not fail the run for it): both count
 *   as skipped.
 */
function count(event: TestEvent, counts: Counts): void {
  if (event.type !== 'test:pass' && event.type !== 'test:fail') return;
  const data = event.data;
  const isSuite = data.details.type === 'suite';
  const isFile = data.nesting === 0 && data.file !== undefined && data.name === data.file;
  if (event.type === 'test:pass') {
    // A skipped suite (describe with skip) counts once: its tests are not reported.
    if (isSuite && data.skip !== undefined) counts.skipped++;
    if (isSuite || isFile) return;
    if (data.skip !== undefined || data.todo !== undefined) counts.skipped++;
    else counts.passed++;
    return;
  }
  if (isSuite) {
    if (failureType(event.data.details.error) !== 'subtestsFailed') counts.failed++;
    return;
  }
  if (data.todo !== undefined) counts.skipped++;
  else counts.failed++;
}

async function runTests(files: string[], signal: AbortSignal, counts: Counts): Promise<void> {
  const docker = files.filter((file) => DOCKER_FILE.test(file));
  const others = files.filter((file) => !DOCKER_FILE.test(file));
  if (others.length > 0) {
    await runPhase(
      { files: others, concurrency: os.availableParallelism(), timeout: FILE_TIMEOUT_MS, signal },
      counts,
    );
  }
  if (docker.length > 0 && !signal.aborted) {
    say(`Docker test file(s), one at a time: ${docker.length}`);
    await runPhase(
      { files: docker, concurrency: 1, timeout: DOCKER_FILE_TIMEOUT_MS, signal },
      counts,
    );
  }
}

async function runPhase(options: Parameters<typeof run>[0], counts: Counts): Promise<void> {
  const stream = run(options);
  const reporter = new spec();
  reporter.pipe(process.stdout, { end: false });
  const reported = finished(reporter);
  for await (const event of stream as AsyncIterable<TestEvent>) {
    count(event, counts);
    if (!reporter.write(event)) await once(reporter, 'drain');
  }
  reporter.end();
  await reported;
}

// ---------------------------------------------------------------------------------------------
// main

async function makeWorkDir(): Promise<string> {
  let base = os.tmpdir();
  // As root, postgres and the ssh test users must be able to traverse to the work dir.
  if (isRoot() && !(await traversableByOthers(base))) base = '/tmp';
  const dir = await mkdtemp(path.join(base, 'pgmon-test-'));
  if (isRoot()) await chmod(dir, 0o755);
  return dir;
}

async function main(): Promise<number> {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let signalsSeen = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalsSeen++;
    if (!interrupted) {
      interrupted = sig;
      say(`${sig} received: stopping the tests, then tearing the targets down`);
      abort.abort();
    } else if (signalsSeen >= 3) {
      say(`${sig} received again: exiting now, test targets may be left running`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    } else {
      say(`${sig} received again: teardown in progress (send it once more to exit at once)`);
    }
  };
  process.on('SIGINT', onSignal);
  // Output piped into a reader that quits early (`| head`): keep running, so the teardown still
  // stops every target, instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.on('SIGTERM', onSignal);

  const filters = process.argv.slice(2);
  let targets: RunningTargets | undefined;
  let workDir: string | undefined;
  try {
    const files = await discover(filters);
    if (files.length === 0) {
      say(
        `no test files found under ${distDir}` +
          (filters.length ? ` matching ${filters.join(', ')}` : '') +
          ' (did you compile with `npx tsc -p tsconfig.json`?)',
      );
    } else {
      say(
        `${files.length} test file(s): ${files.map((f) => path.relative(distDir, f)).join(', ')}`,
      );
      workDir = await makeWorkDir();
      const started = performance.now();
      try {
        targets = await startTargets(workDir);
      } catch (err) {
        say(`FAILED to start the test targets after ${seconds(performance.now() - started)}:`);
        process.stdout.write(`${(err as Error).message}\n`);
        counts.failed++;
      }
      if (targets) {
        say(
          `test targets started in ${seconds(performance.now() - started)}: ` +
            describeTargets(targets.info),
        );
        if (!interrupted) {
          process.env[TARGETS_ENV] = JSON.stringify(targets.info);
          await runTests(files, abort.signal, counts);
        }
      }
    }
  } catch (err) {
    say(`runner error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    counts.failed++;
  } finally {
    if (targets || workDir) {
      const stopping = performance.now();
      try {
        await targets?.stop();
      } catch (err) {
        say(`teardown error: ${(err as Error).message}`);
        counts.failed++;
      }
      if (workDir && existsSync(workDir)) await rm(workDir, { recursive: true, force: true });
      say(`test targets torn down in ${seconds(performance.now() - stopping)}`);
    }
  }

  if (interrupted && counts.failed === 0) {
    say(`interrupted by ${interrupted}: counted as a failure`);
    counts.failed = 1;
  }
  const ran = counts.passed + counts.failed;
  process.stdout.write(
    `${counts.passed} passed, ${counts.failed} failed` +
      (counts.skipped > 0 ? `, ${counts.skipped} skipped` : '') +
      '\n',
  );
  if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
  return counts.failed === 0 && ran > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stdout.write(`[test] runner crashed: ${String(err)}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
