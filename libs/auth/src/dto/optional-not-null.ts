import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but a value that is sent is validated, null included. Unlike
 * @IsOptional(), which skips null, so `{"is_active": null}` would pass and reach the store.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}
