import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads a password from standard input: prompted without echo on a terminal, otherwise the
 * first line of the piped input (`echo "$PASS" | npm run pgmon -- user add bob`).
 */
export async function readPassword(prompt: string): Promise<string> {
  const interactive = process.stdin.isTTY;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input: process.stdin, output, terminal: interactive });
  if (interactive) {
    process.stderr.write(prompt);
    muted = true;
  }
  try {
    for await (const line of lines) return line.replace(/\r$/, '');
    return '';
  } finally {
    if (interactive) process.stderr.write('\n');
    lines.close();
  }
}
