export type SshErrorCode =
  | 'timeout'
  | 'connection_refused'
  | 'host_unreachable'
  | 'host_not_found'
  | 'authentication_failed'
  | 'host_key_changed'
  | 'invalid_private_key'
  | 'path_not_found'
  | 'command_failed'
  | 'protocol_error';

/**
 * Default status-string reason of each code. They end up in `"ok (SSH: <reason>)"`, and the
 * seed promises that an error status never contains "ok", so none of them may (unit-tested).
 */
export const SSH_ERROR_REASONS: Readonly<Record<SshErrorCode, string>> = {
  timeout: 'timeout',
  connection_refused: 'connection refused',
  host_unreachable: 'host unreachable',
  host_not_found: 'host not found',
  authentication_failed: 'authentication failed',
  host_key_changed: 'host key changed',
  invalid_private_key: 'invalid private key',
  path_not_found: 'path not found',
  command_failed: 'command failed',
  protocol_error: 'protocol error',
};

export interface SshErrorOptions {
  /** Replaces the code's default reason (must not contain "ok" either). */
  reason?: string;
  /** Extra detail for logs; never a secret. */
  detail?: string;
  expectedHostKey?: string;
  actualHostKey?: string;
  cause?: unknown;
}

/** Every failure of the SSH module: a stable code for callers and a short reason for statuses. */
export class SshError extends Error {
  override readonly name = 'SshError';
  readonly code: SshErrorCode;
  /** Short reason for status strings, e.g. 'authentication failed'; never contains "ok". */
  readonly reason: string;
  /** What exactly went wrong, for logs (the message is `SSH <reason>: <detail>`). */
  readonly detail?: string;
  /** For host_key_changed: the fingerprints. */
  readonly expectedHostKey?: string;
  readonly actualHostKey?: string;

  constructor(code: SshErrorCode, options: SshErrorOptions = {}) {
    const reason = options.reason ?? SSH_ERROR_REASONS[code];
    super(options.detail ? `SSH ${reason}: ${options.detail}` : `SSH ${reason}`, {
      cause: options.cause,
    });
    this.code = code;
    this.reason = reason;
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.expectedHostKey !== undefined) this.expectedHostKey = options.expectedHostKey;
    if (options.actualHostKey !== undefined) this.actualHostKey = options.actualHostKey;
  }
}

const CODES_BY_ERRNO: Readonly<Record<string, SshErrorCode>> = {
  ECONNREFUSED: 'connection_refused',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
  EHOSTDOWN: 'host_unreachable',
  ENETDOWN: 'host_unreachable',
  EADDRNOTAVAIL: 'host_unreachable',
  ENOTFOUND: 'host_not_found',
  EAI_AGAIN: 'host_not_found',
  EAI_NONAME: 'host_not_found',
  EAI_NODATA: 'host_not_found',
  ETIMEDOUT: 'timeout',
};

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that mean something to us. */
export const SFTP_STATUS = { NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, OP_UNSUPPORTED: 8 } as const;

/**
 * Maps an ssh2, net or SFTP error to an SshError. The original error is kept as `cause` for
 * server-side logs; ssh2 and node never put the password or key material in these messages,
 * and the key parser's errors are not passed here (see parsePrivateKey).
 */
export function toSshError(error: unknown): SshError {
  if (error instanceof SshError) return error;
  if (!(error instanceof Error)) return new SshError('protocol_error', { detail: String(error) });
  const code = codeOf(error);
  const detail = error.message;
  if (code === 'command_failed' && sftpStatusOf(error) === SFTP_STATUS.PERMISSION_DENIED) {
    return new SshError(code, { reason: 'permission denied', detail, cause: error });
  }
  return new SshError(code, { detail, cause: error });
}

function codeOf(error: Error): SshErrorCode {
  const errno = stringProperty(error, 'code');
  if (errno !== undefined && CODES_BY_ERRNO[errno]) return CODES_BY_ERRNO[errno];
  const level = stringProperty(error, 'level');
  if (level === 'client-timeout') return 'timeout';
  if (level === 'client-dns') return 'host_not_found';
  if (level === 'client-authentication') return 'authentication_failed';
  if (/all configured authentication methods failed/i.test(error.message)) {
    return 'authentication_failed';
  }
  const status = sftpStatusOf(error);
  if (status === SFTP_STATUS.NO_SUCH_FILE) return 'path_not_found';
  if (status !== undefined) return 'command_failed';
  return 'protocol_error';
}

/** The numeric status of an SFTP STATUS reply error (ssh2 puts it in `code`). */
export function sftpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

function stringProperty(error: Error, key: 'code' | 'level'): string | undefined {
  const value: unknown = (error as unknown as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}
