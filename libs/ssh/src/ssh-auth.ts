import type { ParsedKey, PasswordAuthMethod, PublicKeyAuthMethod } from 'ssh2';
import type { SshTarget } from './ssh.types.js';
import { SshError } from './ssh-errors.js';
import { ssh2Library } from './ssh2-library.js';

export type SshAuthMethod = PasswordAuthMethod | PublicKeyAuthMethod;

/**
 * The single authentication method to offer. ssh2 would otherwise try 'none' first and
 * every method it has material for; one explicit method keeps the attempt (and sshd's log)
 * exactly what the operator configured.
 */
export function authMethodFor(target: SshTarget): SshAuthMethod {
  const { auth, username } = target;
  if (auth.type === 'password') {
    return { type: 'password', username, password: revealSecret(auth.password) };
  }
  const passphrase = auth.passphrase ? revealSecret(auth.passphrase) : undefined;
  return {
    type: 'publickey',
    username,
    key: parsePrivateKey(revealSecret(auth.privateKey), passphrase),
  };
}

/**
 * Parses the key before connecting, so that a wrong passphrase or a damaged key fails fast
 * with 'invalid_private_key' and no socket is opened. The parser's own message is dropped:
 * it is ours to guarantee that no key material reaches an error.
 */
export function parsePrivateKey(text: string, passphrase?: string): ParsedKey {
  let key: ParsedKey | Error;
  try {
    key = ssh2Library().utils.parseKey(text, passphrase);
  } catch {
    key = new Error('parser failure');
  }
  if (key instanceof Error) {
    throw invalidKey(
      passphrase === undefined
        ? 'unparsable key, or a passphrase is needed'
        : 'unparsable key or wrong passphrase',
    );
  }
  if (!key.isPrivateKey()) throw invalidKey('not a private key');
  return key;
}

function invalidKey(detail: string): SshError {
  return new SshError('invalid_private_key', { detail });
}

/** Credentials come from the caller (decrypted on demand); their failures must not leak text. */
function revealSecret<T>(read: () => T): T {
  try {
    return read();
  } catch {
    throw new SshError('protocol_error', { reason: 'credentials unavailable' });
  }
}
