import type { ThresholdLevels } from '#config';
import { maskPasswords, type LockRow } from '#sessions';
import { MAX_OBJECTS } from '../catalog.js';
import type { CheckObject, Measurement } from '../check-result.js';
import type { FactsRow, SessionRow } from '../reading/server-queries.js';
import { count, percent, rounded, seconds } from './format.js';

/** Client connections against what max_connections leaves to ordinary roles. */
export function connectionsSaturation(facts: FactsRow, sessions: SessionRow[] | null): Measurement {
  const usable = Math.max(1, facts.max_connections - facts.reserved_connections);
  const value = facts.client_connections / usable;
  const perDatabase = new Map<string, number>();
  for (const session of sessions ?? []) {
    const database = session.datname ?? '';
    perDatabase.set(database, (perDatabase.get(database) ?? 0) + 1);
  }
  const objects = [...perDatabase.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, MAX_OBJECTS)
    .map(([database, n]): CheckObject => ({ database, value: n }));
  return {
    value: rounded(value),
    message: `${facts.client_connections} of ${usable} connections in use (${percent(value)}; max_connections ${facts.max_connections}, ${facts.reserved_connections} reserved)`,
    objects,
  };
}

/** How one of the session checks picks its sessions and their age. */
interface SessionAge {
  /** The age compared, in seconds, or null when the session does not count. */
  age: (session: SessionRow) => number | null;
  /** "active query", "open transaction"... */
  noun: string;
  plural: string;
}

const AGES = {
  long_running_queries: {
    age: (s) => (s.state === 'active' ? s.query_s : null),
    noun: 'active query',
    plural: 'active queries',
  },
  long_transactions: {
    age: (s) => s.xact_s,
    noun: 'open transaction',
    plural: 'open transactions',
  },
  idle_in_transaction: {
    age: (s) => (s.state?.startsWith('idle in transaction') ? s.state_s : null),
    noun: 'session idle in a transaction',
    plural: 'sessions idle in a transaction',
  },
} satisfies Record<string, SessionAge>;

export type SessionAgeCheck = keyof typeof AGES;

/** The oldest session of the kind the check looks at; objects are the oldest sessions. */
export function sessionAge(
  check: SessionAgeCheck,
  sessions: SessionRow[],
  threshold: ThresholdLevels,
): Measurement {
  const { age, noun, plural } = AGES[check];
  const aged = sessions
    .map((session) => ({ session, seconds: age(session) }))
    .filter((entry): entry is { session: SessionRow; seconds: number } => entry.seconds !== null)
    .sort((a, b) => b.seconds - a.seconds);
  const [oldest] = aged;
  if (!oldest) return { value: 0, message: `No ${noun}`, objects: [] };
  const { pid, datname, usename } = oldest.session;
  const warning = threshold.warning;
  const over =
    warning === null
      ? ''
      : `; ${count(aged.filter((entry) => entry.seconds >= warning).length, noun, plural)} at ${seconds(warning)} or more`;
  return {
    value: rounded(oldest.seconds, 1),
    message: `Longest ${noun}: ${seconds(oldest.seconds)} (pid ${pid} on ${datname ?? '?'}, user ${usename ?? '?'})${over}`,
    objects: aged.slice(0, MAX_OBJECTS).map((entry) => sessionObject(entry.session, entry.seconds)),
  };
}

function sessionObject(session: SessionRow, value: number): CheckObject {
  return {
    pid: session.pid,
    database: session.datname,
    user: session.usename,
    application: session.application_name,
    state: session.state,
    query: session.query === null ? null : maskPasswords(session.query).slice(0, 100),
    value: rounded(value, 1),
  };
}

/** Sessions waiting for a lock: the longest wait, and who waits on whom. */
export function blockedSessions(locks: LockRow[]): Measurement {
  const waiting = locks
    .filter((row) => row.blocked_by.length > 0 && row.waiting_ms !== null)
    .sort((a, b) => (b.waiting_ms ?? 0) - (a.waiting_ms ?? 0));
  const [longest] = waiting;
  if (!longest) return { value: 0, message: 'No session waits for a lock', objects: [] };
  const waited = (longest.waiting_ms ?? 0) / 1000;
  return {
    value: rounded(waited, 1),
    message: `${count(waiting.length, 'session')} waiting for a lock; the longest for ${seconds(waited)} (pid ${longest.pid}, blocked by ${longest.blocked_by.join(', ')}); GET /server/{name}/locks shows the tree`,
    objects: waiting.slice(0, MAX_OBJECTS).map((row): CheckObject => ({
      pid: row.pid,
      database: row.datname,
      user: row.usename,
      blocked_by: row.blocked_by.join(','),
      lock: `${row.lock_mode ?? '?'} on ${row.relation ?? row.lock_type ?? '?'}`,
      value: rounded((row.waiting_ms ?? 0) / 1000, 1),
    })),
  };
}
