/** What one attempt to deliver gave. */
export interface SendOutcome {
  /** The receiver took it (HTTP 2xx, SMTP 250). */
  ok: boolean;
  /** Worth another attempt: the receiver may be back later. False: it refused for good. */
  retry: boolean;
  /** HTTP status or SMTP reply code; null when none came. */
  status: number | null;
  /** The start of what the receiver answered. */
  response: string | null;
  /** Why it failed, in words (never a secret). */
  error: string | null;
  durationMs: number;
}

/** Longest part of an answer kept in the delivery log. */
export const MAX_RESPONSE_CHARS = 500;

/** Text as the log keeps it: on one line, at most MAX_RESPONSE_CHARS, secrets replaced. */
export function loggable(text: string, secrets: (string | null)[]): string {
  let clean = text.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) {
    if (secret && secret.length >= 4) clean = clean.split(secret).join('[REDACTED]');
  }
  return clean.slice(0, MAX_RESPONSE_CHARS);
}
