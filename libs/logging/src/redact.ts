/** Field names whose values never reach a log line. */
const SECRET_FIELD = /pass(word|phrase)?|secret|token|authorization|cookie|private_?key|api_?key/i;

export const REDACTED = '[REDACTED]';

/** Deep copy of `value` with every secret-looking field replaced by [REDACTED]. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any object we log on purpose: hide it rather than walk it.
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_FIELD.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return copy;
}

/** Removes credentials from a connection URL (`postgres://user:pass@host/db?password=...`). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  const credentials = parsed.username
    ? `${parsed.username}${parsed.password ? `:${REDACTED}` : ''}@`
    : '';
  const params = [...parsed.searchParams].map(
    ([key, value]) => `${key}=${SECRET_FIELD.test(key) ? REDACTED : encodeURIComponent(value)}`,
  );
  const query = params.length > 0 ? `?${params.join('&')}` : '';
  return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${query}`;
}
