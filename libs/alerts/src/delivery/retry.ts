import type { ClaimedDelivery, NextStep } from './deliveries.repository.js';
import type { SendOutcome } from './send-outcome.js';

/** The first retry comes after a second; each next one waits twice as long, up to 5 minutes. */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 5 * 60_000;
/** A delivery that has failed for a day is given up. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;

/** The wait before attempt `attempt + 1` after `attempt` failed ones (1-based), ±10 % jitter. */
export function backoffMs(attempt: number, random = Math.random()): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.9 + 0.2 * random));
}

/** Sent, given up (refused for good, or failing for a day), or tried again later. */
export function nextStep(
  delivery: Pick<ClaimedDelivery, 'attempts' | 'createdAt'>,
  outcome: SendOutcome,
  now: number,
  random = Math.random(),
): NextStep {
  if (outcome.ok) return { state: 'sent' };
  if (!outcome.retry || now - delivery.createdAt >= GIVE_UP_AFTER_MS) return { state: 'failed' };
  return { state: 'pending', at: now + backoffMs(delivery.attempts + 1, random) };
}
