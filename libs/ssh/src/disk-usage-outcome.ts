import { SshError, type SshErrorCode } from './ssh-errors.js';
import type { DiskUsage, DiskUsageResult } from './ssh.types.js';

/**
 * What the cache holds for one read: plain data (a cache store may serialise it), with no
 * secret in it, and failures too, so that a dead host is not asked again on every request.
 */
export type DiskUsageOutcome =
  | { ok: true; usage: DiskUsage; hostKey: string; firstContact: boolean; checkedAt: number }
  | {
      ok: false;
      code: SshErrorCode;
      reason: string;
      detail?: string;
      expectedHostKey?: string;
      actualHostKey?: string;
      checkedAt: number;
    };

export function successOutcome(
  usage: DiskUsage,
  hostKey: string,
  firstContact: boolean,
): DiskUsageOutcome {
  return { ok: true, usage, hostKey, firstContact, checkedAt: Date.now() };
}

export function failureOutcome(error: SshError): DiskUsageOutcome {
  const { code, reason, detail, expectedHostKey, actualHostKey } = error;
  return { ok: false, code, reason, detail, expectedHostKey, actualHostKey, checkedAt: Date.now() };
}

/** The caller's view of an outcome: a result, or the SshError thrown again. */
export function settleOutcome(outcome: DiskUsageOutcome, cached: boolean): DiskUsageResult {
  if (!outcome.ok) {
    const { code, ...options } = outcome;
    throw new SshError(code, options);
  }
  const { usage, hostKey, firstContact, checkedAt } = outcome;
  return { usage: { ...usage }, hostKey, firstContact, cached, checkedAt: new Date(checkedAt) };
}
