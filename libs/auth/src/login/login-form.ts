import { UnprocessableEntityException } from '@nestjs/common';
import type { ValidationIssue } from '#http';

export const MAX_LOGIN_FIELD_LENGTH = 1024;

/**
 * The OAuth2 password form (username, password; grant_type, scope, client_id, client_secret
 * accepted and ignored). Checked before passport so a bad form is a 422, as in the seed.
 */
export function assertLoginForm(body: unknown): void {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const field of ['username', 'password']) {
    const value = form[field];
    if (value === undefined || value === '') {
      issues.push({ loc: ['body', field], msg: 'Field required', type: 'missing' });
    } else if (typeof value !== 'string') {
      issues.push({ loc: ['body', field], msg: 'Must be a string', type: 'string_type' });
    } else if (value.length > MAX_LOGIN_FIELD_LENGTH) {
      issues.push({
        loc: ['body', field],
        msg: `At most ${MAX_LOGIN_FIELD_LENGTH} characters`,
        type: 'string_too_long',
      });
    }
  }
  const grantType = form.grant_type;
  if (grantType !== undefined && grantType !== '' && grantType !== 'password') {
    issues.push({
      loc: ['body', 'grant_type'],
      msg: 'Only grant_type=password is supported',
      type: 'value_error',
    });
  }
  if (issues.length > 0) throw new UnprocessableEntityException({ detail: issues });
}
