import { UnprocessableEntityException } from '@nestjs/common';
import { identify, KeyMaterialError } from '#ssh-keys';

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
  try {
    identify(privateKey, passphrase);
  } catch (error) {
    if (!(error instanceof KeyMaterialError)) throw error;
    throw invalidField(
      error.problem === 'passphrase' ? 'ssh_key_passphrase' : 'ssh_private_key',
      KEY_PROBLEMS[error.problem],
    );
  }
}

const KEY_PROBLEMS: Record<KeyMaterialError['problem'], string> = {
  passphrase: 'ssh_key_passphrase is missing or does not decrypt ssh_private_key',
  unparsable: 'ssh_private_key could not be parsed (PEM or OpenSSH private key expected)',
  unsupported: 'ssh_private_key must be an RSA, Ed25519 or ECDSA private key',
};
