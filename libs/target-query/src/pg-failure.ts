import { CleartextPasswordRefusedError, DeadlineExceededError, ResponseTooLargeError } from '#pool';
import { SecretDecryptError } from '#secrets';

/** Why PostgreSQL did not answer: a stable code, a short reason for `status`, and a sentence. */
export interface PgFailure {
  code: string;
  /** Goes into `"PostgreSQL: <reason>"`; never contains the substring "ok". */
  reason: string;
  message: string;
}

export interface PgFailureContext {
  host: string;
  port: number;
  user: string;
  database: string;
  timeoutMs: number;
}

type Rule = [
  test: (error: ErrorLike) => boolean,
  describe: (context: PgFailureContext) => PgFailure,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

const SQLSTATE_RULES: Record<string, (c: PgFailureContext) => PgFailure> = {
  '28P01': (c) =>
    failure(
      'authentication_failed',
      'authentication failed',
      `password authentication failed for user "${c.user}"`,
    ),
  '28000': (c) =>
    failure(
      'access_denied',
      'access denied',
      `the server refused user "${c.user}" on database "${c.database}" (pg_hba.conf or a role that cannot log in)`,
    ),
  '3D000': (c) =>
    failure(
      'database_not_found',
      'database does not exist',
      `database "${c.database}" does not exist`,
    ),
  '53300': () =>
    failure(
      'too_many_connections',
      'too many connections',
      'the server has no free connection slots',
    ),
  '57P03': () =>
    failure(
      'starting_up',
      'server starting up',
      'the server is starting up or in recovery and does not accept connections yet',
    ),
  '57P01': () =>
    failure(
      'shutting_down',
      'server shutting down',
      'the server terminated the connection (shutdown or pg_terminate_backend)',
    ),
  '42501': (c) =>
    failure(
      'permission_denied',
      'permission denied',
      `user "${c.user}" lacks a privilege the monitoring queries need (grant pg_monitor)`,
    ),
};

const NETWORK_RULES: Rule[] = [
  [
    (e) => matches(e, /client password must be/i),
    (c) =>
      failure(
        'authentication_failed',
        'authentication failed',
        `the server asks for a password and none is stored for user "${c.user}"`,
      ),
  ],
  [
    (e) => e.code === 'ECONNREFUSED',
    (c) =>
      failure(
        'connection_refused',
        'connection refused',
        `nothing accepts connections on ${c.host}:${c.port}`,
      ),
  ],
  [
    (e) => e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH',
    (c) => failure('host_unreachable', 'host unreachable', `no route to ${c.host}`),
  ],
  [
    (e) => e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN',
    (c) => failure('host_not_found', 'host not found', `the name ${c.host} does not resolve`),
  ],
  [(e) => e.code === 'ETIMEDOUT' || matches(e, /timeout|timed out/i), (c) => timeoutFailure(c)],
  [
    (e) =>
      matches(e, /SSL|TLS|certificate/i) ||
      (typeof e.code === 'string' && e.code.startsWith('ERR_TLS')),
    () =>
      failure(
        'tls_error',
        'TLS error',
        'the TLS handshake failed (check ssl_mode and the server certificate)',
      ),
  ],
  [
    (e) => e.code === 'ECONNRESET' || e.code === 'EPIPE' || matches(e, /terminated|closed|ended/i),
    () =>
      failure(
        'connection_lost',
        'connection lost',
        'the connection closed before PostgreSQL answered',
      ),
  ],
];

export function timeoutFailure(context: Pick<PgFailureContext, 'timeoutMs'>): PgFailure {
  return failure('timeout', 'timeout', `no answer within ${context.timeoutMs} ms`);
}

/**
 * Maps a driver, network or server error to a fixed vocabulary. The raw error text is never
 * passed on: it may come from a hostile server, or name files of this machine.
 */
export function describePgFailure(error: unknown, context: PgFailureContext): PgFailure {
  if (error instanceof DeadlineExceededError)
    return timeoutFailure({ timeoutMs: error.deadlineMs });
  if (error instanceof ResponseTooLargeError) {
    return failure(
      'response_too_large',
      'answer too large',
      `the server sent more than ${error.limitBytes} bytes in one answer; pgmon cut the connection`,
    );
  }
  if (error instanceof SecretDecryptError) {
    return failure(
      'secret_unreadable',
      'stored password unreadable',
      'the stored password cannot be decrypted with the configured ENCRYPTION_KEY',
    );
  }
  if (error instanceof CleartextPasswordRefusedError) {
    return failure(
      'cleartext_password_refused',
      'clear-text password refused',
      'the server asked for the password in clear text on a connection without TLS, and pgmon did not send it',
    );
  }
  const like = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const bySqlstate = typeof like.code === 'string' ? SQLSTATE_RULES[like.code] : undefined;
  if (bySqlstate) return bySqlstate(context);
  const rule = NETWORK_RULES.find(([test]) => test(like));
  if (rule) return rule[1](context);
  if (typeof like.code === 'string' && /^[0-9A-Z]{5}$/.test(like.code)) {
    return failure(
      'server_error',
      'server error',
      `the server answered with SQLSTATE ${like.code}`,
    );
  }
  return failure('unknown', 'unknown error', 'PostgreSQL could not be reached');
}

function failure(code: string, reason: string, message: string): PgFailure {
  return { code, reason, message };
}

function matches(error: ErrorLike, pattern: RegExp): boolean {
  return typeof error.message === 'string' && pattern.test(error.message);
}
