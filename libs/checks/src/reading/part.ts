import type { ClientBase, QueryResultRow } from 'pg';
import type { TargetLimits } from '#config';
import { describePgFailure, type PgFailureContext } from '#target-query';

/** One reading of a check: the rows, or why they could not be read. */
export type Part<T> = { ok: true; value: T } | { ok: false; reason: string };

/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * Runs one statement and keeps its failure to itself: a reading one check cannot make (a
 * missing privilege, a timeout) leaves that check unknown, not the whole evaluation.
 */
export async function readPart<R extends QueryResultRow>(
  client: ClientBase,
  context: PgFailureContext,
  text: string,
  values: unknown[] = [],
): Promise<Part<R[]>> {
  try {
    return { ok: true, value: (await client.query<R>(text, values)).rows };
  } catch (error) {
    return { ok: false, reason: partFailure(error, context) };
  }
}

/** Why a reading failed, in words a DBA can act on (never the server's raw text). */
export function partFailure(error: unknown, context: PgFailureContext): string {
  if ((error as { code?: unknown } | null)?.code === QUERY_CANCELED) {
    return 'the query did not finish within the statement timeout (PG_STATEMENT_TIMEOUT_MS)';
  }
  return describePgFailure(error, context).message;
}

/** The first row of a part, or a failed part when there is none. */
export function firstRow<R>(part: Part<R[]>): Part<R> {
  if (!part.ok) return part;
  const [row] = part.value;
  return row === undefined
    ? { ok: false, reason: 'the server returned no row' }
    : { ok: true, value: row };
}

/** A reading's deadline: connecting, then this many statement timeouts (slow statements fail alone). */
const STATEMENT_TIMEOUTS_PER_READING = 3;

/** How long one reading (several statements on one connection) may take in all. */
export function readingDeadlineMs(limits: TargetLimits): number {
  return limits.connectTimeoutMs + STATEMENT_TIMEOUTS_PER_READING * limits.statementTimeoutMs;
}
