import { isIP } from 'node:net';
import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

/**
 * Server names: 1-63 characters of letters, digits, ".", "_" and "-", starting with a letter or
 * digit. They appear in URLs, where "." and ".." are path steps and a leading "-" reads as an
 * option on command lines.
 */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** OpenSSH fingerprint as `ssh-keygen -lf` prints it. */
export const HOST_KEY_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;
/** PostgreSQL identifiers (role, database): at most 63 bytes, no control characters. */
export const PG_IDENTIFIER_PATTERN = /^\P{Cc}{1,63}$/u;
export const SSH_USER_PATTERN = /^[A-Za-z0-9._][A-Za-z0-9._@-]{0,63}$/;
export const MAX_SECRET_LENGTH = 1024;
/** What PrivateKeyConstraint looks for in a key (its parse is checked by the service). */
export const PRIVATE_KEY_MARKER = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
export const MAX_PRIVATE_KEY_LENGTH = 16384;

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A DNS name, an IPv4 address or an IPv6 address; no scheme, port, path or user. */
@ValidatorConstraint({ name: 'isHost' })
export class HostConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && (isIP(value) !== 0 || HOSTNAME.test(value));
  }

  defaultMessage(): string {
    return 'host must be a host name or an IP address (no scheme, port or path)';
  }
}

/** A private key in PEM or OpenSSH format (its parse is checked by the service). */
@ValidatorConstraint({ name: 'isPrivateKey' })
export class PrivateKeyConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      value === null ||
      value === '' ||
      (typeof value === 'string' && PRIVATE_KEY_MARKER.test(value))
    );
  }

  defaultMessage(): string {
    return 'ssh_private_key must be a PEM or OpenSSH private key ("-----BEGIN ... PRIVATE KEY-----")';
  }
}
