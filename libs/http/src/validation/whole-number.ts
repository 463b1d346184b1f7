import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';

/** Decimal digits, optionally signed, and nothing else (no spaces, exponent, hex or fraction). */
const DECIMAL_DIGITS = /^-?\d+$/;

/**
 * A JSON integer, or a string of plain decimal digits as query strings and seed clients send
 * ("5432"), as a number. Anything else is returned unchanged for IsInt to refuse: `true`,
 * `"0x1538"`, `"1e3"`, `" 5432"`, `5432.5`, `null`, arrays. (class-transformer's `Number`
 * conversion would accept all of those but the fraction.)
 */
export function parseWholeNumber(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value;
}

/**
 * An integer field between `min` and `max`, given as a JSON integer or a decimal string. The
 * range is part of the rule: a number the target cannot take (an interval of 1e20 ms) is a 422
 * here, not an error from the target later.
 */
export function WholeNumber(field: string, min: number, max: number): PropertyDecorator {
  const range = { message: `${field} must be between ${min} and ${max}` };
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => parseWholeNumber(value)),
    IsInt({ message: `${field} must be a whole number (a JSON integer or decimal digits)` }),
    Min(min, range),
    Max(max, range),
  );
}

/**
 * Optional, but `null` is not a value: the field is validated unless it is omitted. (Unlike
 * IsOptional, which lets `null` through to the store as "no value".)
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}
