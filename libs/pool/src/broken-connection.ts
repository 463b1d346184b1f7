/**
 * True when a query error means the connection itself is unusable (network, protocol, timeout,
 * admin shutdown), so the client must be destroyed rather than returned to the pool. SQL errors
 * with an ordinary SQLSTATE (syntax, permission, ...) leave the connection healthy.
 */
export function isConnectionBroken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // SQLSTATEs are five digits or capitals; errno codes such as EPIPE can look alike, but no
  // SQLSTATE class starts with E.
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('E')) return true;
  return code.startsWith('08') || code.startsWith('57P') || code === '53300';
}
