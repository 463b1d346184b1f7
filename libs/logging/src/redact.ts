/** Field names whose values never reach a log line. */
const SECRET_FIELD = /pass(word|phrase)?|secret|token|authorization|cookie|private_?key|api_?key/i;

export const REDACTED = '[REDACTED]';

/** Deep copy of `value` with every secret-looking field replaced by [REDACTED]. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_FIELD.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return copy;
}

/** Removes credentials embedded in a connection URL (postgres://user:pass@host/db). */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, `$1:${REDACTED}@`);
}
