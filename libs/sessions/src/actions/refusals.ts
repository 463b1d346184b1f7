import { BadGatewayException, ForbiddenException, type HttpException } from '@nestjs/common';
import type { ServerRecord } from '#servers';
import type { Refusal, SignalRow } from './signal-query.js';

/** A role name as SQL wants it: bare when it is a plain lower-case identifier, else quoted. */
export function quoteRole(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The GRANT that lets the monitoring role signal other sessions. */
export function grantHint(server: ServerRecord): string {
  return `GRANT pg_signal_backend TO ${quoteRole(server.user)};`;
}

/** Why policy forbids the action, as the 403 (or 502 for a missing right) says it. */
export function refusalError(
  refusal: Refusal,
  row: Pick<SignalRow, 'usename' | 'backend_type'>,
  server: ServerRecord,
): HttpException {
  switch (refusal) {
    case 'own':
      return new ForbiddenException(
        'This is one of pgmon’s own sessions; pgmon does not signal them',
      );
    case 'autovacuum':
      return new ForbiddenException(
        'This is an autovacuum worker; pgmon never stops autovacuum (an anti-wraparound vacuum must finish)',
      );
    case 'walsender':
      return new ForbiddenException(
        'This is a walsender (a replication connection), not a client session',
      );
    case 'not_client':
      return new ForbiddenException(
        `This is a ${row.backend_type ?? 'server process'}, not a client session`,
      );
    case 'superuser':
      return new ForbiddenException(
        `This session belongs to the superuser ${row.usename ?? ''}; only an admin may signal it`,
      );
    case 'superuser_privilege':
      return new BadGatewayException(
        `PostgreSQL lets only a superuser signal a superuser’s session, and the monitoring role ${quoteRole(server.user)} is not one`,
      );
    case 'privilege':
      return privilegeError(server);
  }
}

/** 502: the monitoring role lacks pg_signal_backend; the detail gives the GRANT to run. */
export function privilegeError(server: ServerRecord): HttpException {
  return new BadGatewayException(
    `The monitoring role ${quoteRole(server.user)} may not signal other sessions; run on the server: ${grantHint(server)}`,
  );
}
