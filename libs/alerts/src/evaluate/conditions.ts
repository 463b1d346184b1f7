import {
  CATALOG,
  grade,
  MAX_OBJECTS,
  type CheckId,
  type CheckObject,
  type CheckResult,
} from '#checks';
import { ALERTING, type Cause, type Severity } from '../catalog.js';
import type { AlertPolicy } from '../rules/rule-settings.js';

/** What should be alerting for one key of a check now. */
export interface Condition {
  /** The object ('database=app, schema=public, table=t'), '' for the check as a whole. */
  key: string;
  cause: Cause;
  severity: Severity;
  value: number | null;
  message: string;
}

/** What one evaluation of a check says about its alerts. */
export interface CheckConditions {
  check: CheckId;
  policy: AlertPolicy;
  conditions: Condition[];
  /**
   * Whether an open alert with no condition now is over. Not when the evaluation cannot tell:
   * the check was unknown, or it lists only its worst objects and the others may still be bad.
   */
  settles(key: string, cause: Cause): boolean;
}

/** What the evaluation knows of the server beyond the check's result. */
export interface ServerContext {
  /** PostgreSQL answered (else every check but server_reachable is unknown: that one tells). */
  readable: boolean;
  /** The check can be read at all on this server (disk_free needs SSH). */
  applies: (check: CheckId) => boolean;
}

const EVERYTHING = (): boolean => true;
const NOTHING = (): boolean => false;
/** Longest key stored (the store column holds 512). */
const MAX_KEY_LENGTH = 500;

export function conditionsOf(
  result: CheckResult,
  policy: AlertPolicy,
  server: ServerContext,
): CheckConditions {
  const check = result.id;
  const none = (settles: CheckConditions['settles']): CheckConditions => ({
    check,
    policy,
    conditions: [],
    settles,
  });
  if (!policy.enabled || result.status === 'ok' || !server.applies(check)) return none(EVERYTHING);
  if (result.status === 'unknown') {
    if (!server.readable) return none(NOTHING);
    if (policy.unknownForS === null) return none((_key, cause) => cause === 'unknown');
    return {
      check,
      policy,
      conditions: [
        {
          key: '',
          cause: 'unknown',
          severity: 'warning',
          value: null,
          message: `Could not be read: ${result.message}`,
        },
      ],
      settles: NOTHING,
    };
  }
  return { check, policy, ...levelConditions(result, result.status) };
}

/** A check at warning or critical: one condition per object at a level, or one for the check. */
function levelConditions(
  result: CheckResult,
  status: Severity,
): Pick<CheckConditions, 'conditions' | 'settles'> {
  const fields = ALERTING[result.id].objects;
  const whole: Condition = {
    key: '',
    cause: 'level',
    severity: status,
    value: result.value,
    message: result.message,
  };
  if (fields === null) return { conditions: [whole], settles: EVERYTHING };
  const graded = result.objects.map((object) => ({ object, severity: severityOf(result, object) }));
  const conditions = graded.flatMap(({ object, severity }) =>
    severity ? [objectCondition(result, object, severity, keyOf(object, fields))] : [],
  );
  if (conditions.length === 0) return { conditions: [whole], settles: EVERYTHING };
  // The list holds the worst objects first: when it is full and its last one is still bad,
  // objects beyond it may be too.
  const last = graded[graded.length - 1];
  const unsure = graded.length >= MAX_OBJECTS && last?.severity !== null;
  return { conditions, settles: (key) => key === '' || !unsure };
}

function severityOf(result: CheckResult, object: CheckObject): Severity | null {
  if (object.value === null) return null;
  const status = grade(object.value, result.threshold, CATALOG[result.id].direction);
  return status === 'ok' ? null : status;
}

function objectCondition(
  result: CheckResult,
  object: CheckObject,
  severity: Severity,
  key: string,
): Condition {
  const level = result.threshold[severity];
  return {
    key,
    cause: 'level',
    severity,
    value: object.value,
    message: `${key}: ${object.value} (${severity} at ${level}); ${result.message}`,
  };
}

/** `database=app, schema=public, table=orders`: the object's identifying fields that are set. */
export function keyOf(object: CheckObject, fields: readonly string[]): string {
  const parts = fields.flatMap((field) => {
    const value = object[field];
    return value === null || value === undefined ? [] : [`${field}=${String(value)}`];
  });
  return (parts.length > 0 ? parts.join(', ') : '?').slice(0, MAX_KEY_LENGTH);
}
