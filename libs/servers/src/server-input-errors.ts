import { UnprocessableEntityException } from '@nestjs/common';
import ssh2 from 'ssh2';

/** One body field that a cross-field rule of the service refuses. */
export interface FieldIssue {
  field: string;
  msg: string;
}

/** A 422 in the seed's validation shape for one body field (cross-field rules of the service). */
export function invalidField(field: string, msg: string): UnprocessableEntityException {
  return invalidFields([{ field, msg }]);
}

/** A 422 naming each of the fields. */
export function invalidFields(issues: FieldIssue[]): UnprocessableEntityException {
  return new UnprocessableEntityException({
    detail: issues.map(({ field, msg }) => ({ loc: ['body', field], msg, type: 'value_error' })),
  });
}

/**
 * Refuses a private key that cannot be used (unparsable, or encrypted and the passphrase is
 * missing or wrong) when it is saved, instead of failing later on every status read.
 */
export function assertUsablePrivateKey(privateKey: string, passphrase: string | undefined): void {
  const parsed = ssh2.utils.parseKey(privateKey, passphrase);
  if (!(parsed instanceof Error)) return;
  const encrypted = /encrypted|passphrase|decrypt|bad decrypt/i.test(parsed.message);
  throw invalidField(
    encrypted ? 'ssh_key_passphrase' : 'ssh_private_key',
    encrypted
      ? 'ssh_key_passphrase is missing or does not decrypt ssh_private_key'
      : 'ssh_private_key could not be parsed (PEM or OpenSSH private key expected)',
  );
}
