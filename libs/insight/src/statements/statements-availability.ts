/** Why pg_stat_statements cannot be read on a server. */
export type UnavailableCode = 'missing' | 'not_loaded' | 'not_readable';

export interface Unavailable {
  code: UnavailableCode;
  reason: string;
}

/** SQLSTATEs that mean "the extension is not there / not usable", not "the server is down". */
const BY_SQLSTATE: Record<string, UnavailableCode> = {
  '42P01': 'missing', // undefined_table: the view or pg_stat_statements_info
  '42883': 'missing', // undefined_function
  '3F000': 'missing', // invalid_schema_name: the extension's schema went away
  '55000': 'not_loaded', // object_not_in_prerequisite_state: not in shared_preload_libraries
  '42501': 'not_readable', // insufficient_privilege
};

/** The reason when `error` says the extension cannot be read, else null (a real failure). */
export function unavailableFor(
  error: unknown,
  target: { database: string; user: string },
): Unavailable | null {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? BY_SQLSTATE[error.code]
      : undefined;
  return code ? unavailable(code, target) : null;
}

export function unavailable(
  code: UnavailableCode,
  target: { database: string; user: string },
): Unavailable {
  switch (code) {
    case 'missing':
      return {
        code,
        reason: `pg_stat_statements is not installed in database "${target.database}"`,
      };
    case 'not_loaded':
      return { code, reason: 'pg_stat_statements is not loaded (shared_preload_libraries)' };
    case 'not_readable':
      return { code, reason: `user "${target.user}" may not read pg_stat_statements` };
  }
}

/** What to do about it. */
export function statementsHint(
  code: string | null,
  target: { database: string; user: string },
): string {
  const install = `CREATE EXTENSION pg_stat_statements in ${target.database}; shared_preload_libraries = 'pg_stat_statements'`;
  return code === 'not_readable' ? `GRANT pg_monitor TO ${target.user}; ${install}` : install;
}
