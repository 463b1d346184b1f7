import {
  HttpStatus,
  UnprocessableEntityException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import type { ValidationIssue } from './error-body.js';

/** Carries class-validator's errors from the exception factory back to `transform`. */
class ValidationFailure extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

const LOCATION_BY_PARAM_TYPE: Record<string, string> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

/**
 * The one validation pipe: whitelist (unknown fields are dropped, as the seed ignored them),
 * transform, and FastAPI-compatible 422 errors: `{"detail":[{"loc","msg","type"}]}`.
 */
export class SeedValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: false,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: true },
      errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
      exceptionFactory: (errors: ValidationError[]) => new ValidationFailure(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = LOCATION_BY_PARAM_TYPE[metadata.type] ?? 'body';
    if (exceedsDepth(value, MAX_INPUT_DEPTH)) {
      throw new UnprocessableEntityException({
        detail: [
          {
            loc: [location],
            msg: `Input is nested more than ${MAX_INPUT_DEPTH} levels deep`,
            type: 'value_error',
          },
        ],
      });
    }
    try {
      return (await super.transform(value, metadata)) as unknown;
    } catch (error) {
      if (!(error instanceof ValidationFailure)) throw error;
      throw new UnprocessableEntityException({ detail: toIssues(error.errors, [location]) });
    }
  }
}

/** No DTO nests this deep; deeper input would only serve to exhaust the transformer's stack. */
export const MAX_INPUT_DEPTH = 32;

/** Iterative (never recursive) check that `value` nests at most `limit` objects or arrays deep. */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

export function toIssues(
  errors: ValidationError[],
  prefix: (string | number)[],
): ValidationIssue[] {
  return errors.flatMap((error) => {
    const loc = [...prefix, error.property];
    const own = error.constraints
      ? [{ loc, msg: Object.values(error.constraints).join('; '), type: issueType(error) }]
      : [];
    return [...own, ...toIssues(error.children ?? [], loc)];
  });
}

function issueType(error: ValidationError): string {
  if (error.value === undefined || error.value === null) return 'missing';
  const names = Object.keys(error.constraints ?? {});
  if (names.includes('isString')) return 'string_type';
  if (names.some((name) => name === 'isInt' || name === 'isNumber')) return 'int_type';
  if (names.includes('isBoolean')) return 'bool_type';
  if (names.includes('isEnum') || names.includes('isIn')) return 'enum';
  return 'value_error';
}
