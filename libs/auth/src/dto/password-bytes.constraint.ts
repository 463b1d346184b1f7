import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { PASSWORD_MAX_BYTES } from './login-name.js';

/** bcrypt ignores bytes past 72; refuse such passwords instead of truncating them silently. */
@ValidatorConstraint({ name: 'passwordBytes' })
export class PasswordBytesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value !== 'string' || Buffer.byteLength(value) <= PASSWORD_MAX_BYTES;
  }

  defaultMessage(): string {
    return `password must be at most ${PASSWORD_MAX_BYTES} bytes long`;
  }
}
