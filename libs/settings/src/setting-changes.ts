import { UnprocessableEntityException } from '@nestjs/common';
import { parseWholeNumber } from '#http';
import { definitionOf, isSettingKey, SETTINGS, type SettingKey } from './catalog.js';

interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * The values of PUT /api/settings, checked against the catalog: each known key a whole number
 * (JSON integer or decimal digits, as the upstream UI sends them) within its bounds; unknown
 * keys are dropped like unknown fields elsewhere; at least one setting. 422 in FastAPI's shape.
 */
export function parseSettingChanges(body: unknown): Partial<Record<SettingKey, number>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ loc: ['body'], msg: 'Send an object of settings', type: 'dict_type' }]);
  }
  const changes: Partial<Record<SettingKey, number>> = {};
  const issues: Issue[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (!isSettingKey(key)) continue;
    const value = parseWholeNumber(raw);
    const { min, max } = definitionOf(key);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      issues.push({ loc: ['body', key], msg: `${key} must be a whole number`, type: 'int_type' });
    } else if (value < min || value > max) {
      issues.push({
        loc: ['body', key],
        msg: `${key} must be between ${min} and ${max}`,
        type: 'value_error',
      });
    } else {
      changes[key] = value;
    }
  }
  if (issues.length > 0) throw invalid(issues);
  if (Object.keys(changes).length === 0) {
    throw invalid([
      {
        loc: ['body'],
        msg: `Send at least one of ${SETTINGS.map((s) => s.key).join(', ')}`,
        type: 'missing',
      },
    ]);
  }
  return changes;
}

function invalid(detail: Issue[]): UnprocessableEntityException {
  return new UnprocessableEntityException({ detail });
}
