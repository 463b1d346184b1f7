import { createHash } from 'node:crypto';

/** How much of a signalled session's query the audit log keeps. */
export const AUDITED_QUERY_CHARS = 200;

/** `PASSWORD '...'` (CREATE/ALTER ROLE), with doubled quotes inside the literal. */
const PASSWORD_LITERAL = /(password\s+)('(?:[^']|'')*'?|\$([A-Za-z_]*)\$[\s\S]*?(?:\$\3\$|$))/gi;

/**
 * What the audit log keeps of a query: a SHA-256 of the whole text (to tell queries apart
 * without keeping them) and its first characters with password literals masked.
 */
export function queryDigest(query: string | null): {
  query_sha256: string | null;
  query: string | null;
} {
  if (query === null) return { query_sha256: null, query: null };
  return {
    query_sha256: createHash('sha256').update(query).digest('hex'),
    query: maskPasswords(query).slice(0, AUDITED_QUERY_CHARS),
  };
}

/** Replaces the literal after PASSWORD with '***' (the statement stays readable). */
export function maskPasswords(query: string): string {
  return query.replace(PASSWORD_LITERAL, "$1'***'");
}
