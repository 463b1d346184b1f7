import { UnprocessableEntityException } from '@nestjs/common';

/** A 422 in the seed's validation shape for one body field (a rule of the service). */
export function invalidField(field: string | string[], msg: string): UnprocessableEntityException {
  const loc = ['body', ...(Array.isArray(field) ? field : [field])];
  return new UnprocessableEntityException({ detail: [{ loc, msg, type: 'value_error' }] });
}
