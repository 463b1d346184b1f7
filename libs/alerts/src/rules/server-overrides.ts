import { UnprocessableEntityException } from '@nestjs/common';
import type { ValidationIssue } from '#http';
import type { ServerRuleSettings } from './rule-settings.js';

/**
 * The `servers` object of a rule update: server name -> {warning, critical, enabled}, each
 * optional, levels a number or null. Unknown fields are dropped; a wrong type or an unknown
 * server is a 422 naming `body.servers.<name>[.field]`.
 */
export function parseServerOverrides(
  input: Record<string, unknown>,
  serverIds: Map<string, number>,
): Map<number, ServerRuleSettings> {
  const issues: ValidationIssue[] = [];
  const parsed = new Map<number, ServerRuleSettings>();
  for (const [name, value] of Object.entries(input)) {
    const loc = ['body', 'servers', name];
    const id = serverIds.get(name);
    if (id === undefined) {
      issues.push({ loc, msg: `there is no server named ${name}`, type: 'value_error' });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({
        loc,
        msg: 'must be an object of warning, critical, enabled',
        type: 'type_error',
      });
      continue;
    }
    parsed.set(id, serverSettings(value as Record<string, unknown>, loc, issues));
  }
  if (issues.length > 0) throw new UnprocessableEntityException({ detail: issues });
  return parsed;
}

function serverSettings(
  value: Record<string, unknown>,
  loc: string[],
  issues: ValidationIssue[],
): ServerRuleSettings {
  const settings: ServerRuleSettings = {};
  for (const field of ['warning', 'critical'] as const) {
    const level = value[field];
    if (level === undefined) continue;
    if (level === null || (typeof level === 'number' && Number.isFinite(level)))
      settings[field] = level;
    else
      issues.push({
        loc: [...loc, field],
        msg: `${field} must be a number or null`,
        type: 'type_error',
      });
  }
  if (value.enabled !== undefined) {
    if (typeof value.enabled === 'boolean') settings.enabled = value.enabled;
    else
      issues.push({
        loc: [...loc, 'enabled'],
        msg: 'enabled must be true or false',
        type: 'type_error',
      });
  }
  return settings;
}
