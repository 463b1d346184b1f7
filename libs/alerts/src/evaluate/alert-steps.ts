import type { CheckId } from '#checks';
import { gradeOf, type Cause, type Severity } from '../catalog.js';
import type { CheckConditions, Condition } from './conditions.js';

/** An alert that has not resolved, as stored. */
export interface OpenAlert {
  id: number;
  check: CheckId;
  key: string;
  state: 'pending' | 'firing';
  cause: Cause;
  severity: Severity;
  since: number;
  firedAt: number | null;
  value: number | null;
  message: string;
  notifiedAt: number | null;
  notifiedGrade: number | null;
}

/** An alert's fields after this evaluation. */
export type AlertFields = Omit<OpenAlert, 'id' | 'state'> & {
  state: 'pending' | 'firing' | 'resolved';
  resolvedAt: number | null;
};

/** What channels are told: the alert fires (again, when worse), is still firing, or is over. */
export type Notice = 'firing' | 'repeat' | 'resolved';

/** One alert's change: `before` undefined opens one; `after` null drops a pending one. */
export interface AlertStep {
  before: OpenAlert | undefined;
  after: AlertFields | null;
  notice: Notice | null;
}

export interface StepContext {
  now: number;
  /** Whether a silence covers the check on this server now. */
  silenced: (check: CheckId) => boolean;
  /** Re-send a firing alert after this long; 0: never. */
  repeatMs: number;
}

/**
 * The changes one evaluation of a server makes to its alerts, as pure data: open, promote
 * to firing after for_s (unknown_for_s for an unknown check), update, resolve or drop; and
 * what channels are told. Unchanged alerts give no step.
 */
export function alertSteps(
  open: OpenAlert[],
  checks: CheckConditions[],
  context: StepContext,
): AlertStep[] {
  const steps: AlertStep[] = [];
  for (const check of checks) {
    const existing = new Map(
      open.filter((alert) => alert.check === check.check).map((alert) => [alert.key, alert]),
    );
    for (const condition of check.conditions) {
      const before = existing.get(condition.key);
      existing.delete(condition.key);
      const step = conditionStep(check, condition, before, context);
      if (step) steps.push(step);
    }
    for (const alert of existing.values()) {
      if (check.settles(alert.key, alert.cause)) steps.push(resolveStep(alert, context));
      else {
        const step = noticeStep(alert, fieldsOf(alert), context);
        if (step) steps.push(step);
      }
    }
  }
  return steps;
}

function conditionStep(
  check: CheckConditions,
  condition: Condition,
  before: OpenAlert | undefined,
  context: StepContext,
): AlertStep | null {
  // An alert about a level is not changed by an evaluation that could not read the check.
  if (before?.cause === 'level' && condition.cause === 'unknown') {
    return noticeStep(before, fieldsOf(before), context);
  }
  const restart = !before || (before.state === 'pending' && before.cause !== condition.cause);
  const since = restart ? context.now : before.since;
  const wait = condition.cause === 'unknown' ? check.policy.unknownForS : check.policy.forS;
  const firing =
    before?.state === 'firing' || (wait !== null && context.now - since >= wait * 1000);
  const after: AlertFields = {
    check: check.check,
    key: condition.key,
    state: firing ? 'firing' : 'pending',
    cause: condition.cause,
    severity: condition.severity,
    since,
    firedAt: before?.firedAt ?? (firing ? context.now : null),
    resolvedAt: null,
    value: condition.value,
    message: condition.message,
    notifiedAt: before?.notifiedAt ?? null,
    notifiedGrade: before?.notifiedGrade ?? null,
  };
  return noticeStep(before, after, context);
}

/** Adds what channels are told; null when nothing changed at all. */
function noticeStep(
  before: OpenAlert | undefined,
  after: AlertFields,
  context: StepContext,
): AlertStep | null {
  const notice = after.state === 'firing' ? firingNotice(after, context) : null;
  if (notice) {
    after.notifiedAt = context.now;
    after.notifiedGrade = gradeOf(after.cause, after.severity);
  }
  if (before && !notice && unchanged(before, after)) return null;
  return { before, after, notice };
}

function firingNotice(alert: AlertFields, context: StepContext): Notice | null {
  if (context.silenced(alert.check)) return null;
  if (alert.notifiedAt === null || alert.notifiedGrade === null) return 'firing';
  if (gradeOf(alert.cause, alert.severity) > alert.notifiedGrade) return 'firing';
  if (context.repeatMs > 0 && context.now - alert.notifiedAt >= context.repeatMs) return 'repeat';
  return null;
}

function resolveStep(alert: OpenAlert, context: StepContext): AlertStep {
  if (alert.state === 'pending') return { before: alert, after: null, notice: null };
  const told = alert.notifiedAt !== null && !context.silenced(alert.check);
  return {
    before: alert,
    after: { ...fieldsOf(alert), state: 'resolved', resolvedAt: context.now },
    notice: told ? 'resolved' : null,
  };
}

function fieldsOf(alert: OpenAlert): AlertFields {
  return {
    check: alert.check,
    key: alert.key,
    state: alert.state,
    cause: alert.cause,
    severity: alert.severity,
    since: alert.since,
    firedAt: alert.firedAt,
    resolvedAt: null,
    value: alert.value,
    message: alert.message,
    notifiedAt: alert.notifiedAt,
    notifiedGrade: alert.notifiedGrade,
  };
}

function unchanged(before: OpenAlert, after: AlertFields): boolean {
  return (
    before.state === after.state &&
    before.cause === after.cause &&
    before.severity === after.severity &&
    before.since === after.since &&
    before.value === after.value &&
    before.message === after.message
  );
}
