import { randomBytes } from 'node:crypto';

/** A name nobody else uses (test files run in parallel against the same clusters). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
