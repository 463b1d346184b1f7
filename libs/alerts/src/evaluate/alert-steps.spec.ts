import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckId } from '#checks';
import type { AlertPolicy } from '../rules/rule-settings.js';
import { alertSteps, type OpenAlert, type StepContext } from './alert-steps.js';
import type { CheckConditions, Condition } from './conditions.js';

const POLICY: AlertPolicy = { enabled: true, forS: 60, unknownForS: 900 };
const T0 = 1_000_000;
const CONTEXT: StepContext = { now: T0, silenced: () => false, repeatMs: 0 };

function checked(
  conditions: Partial<Condition>[],
  settles: CheckConditions['settles'] = () => true,
  check: CheckId = 'server_reachable',
  policy = POLICY,
): CheckConditions {
  return {
    check,
    policy,
    conditions: conditions.map((c) => ({
      key: '',
      cause: 'level',
      severity: 'critical',
      value: null,
      message: 'down',
      ...c,
    })),
    settles,
  };
}

function alert(fields: Partial<OpenAlert>): OpenAlert {
  return {
    id: 1,
    check: 'server_reachable',
    key: '',
    state: 'pending',
    cause: 'level',
    severity: 'critical',
    since: T0,
    firedAt: null,
    value: null,
    message: 'down',
    notifiedAt: null,
    notifiedGrade: null,
    ...fields,
  };
}

describe(alertSteps.name, () => {
  it('returns a new pending alert for a new condition, and a firing one at once when for_s is 0', () => {
    const [pending] = alertSteps([], [checked([{}])], CONTEXT);
    assert.equal(pending?.before, undefined);
    assert.equal(pending?.after?.state, 'pending');
    assert.equal(pending?.notice, null);
    const [firing] = alertSteps(
      [],
      [checked([{}], undefined, 'server_reachable', { ...POLICY, forS: 0 })],
      CONTEXT,
    );
    assert.equal(firing?.after?.state, 'firing');
    assert.equal(firing?.after?.firedAt, T0);
    assert.equal(firing?.notice, 'firing');
    assert.equal(firing?.after?.notifiedAt, T0);
    assert.equal(firing?.after?.notifiedGrade, 2);
  });

  it('returns the pending alert firing once the condition has held for for_s', () => {
    const open = [alert({ since: T0 })];
    assert.deepEqual(alertSteps(open, [checked([{}])], { ...CONTEXT, now: T0 + 59_999 }), []);
    const [step] = alertSteps(open, [checked([{}])], { ...CONTEXT, now: T0 + 60_000 });
    assert.equal(step?.after?.state, 'firing');
    assert.equal(step?.notice, 'firing');
  });

  it('returns a pending alert dropped, and a firing one resolved and told, when the condition ends', () => {
    const [dropped] = alertSteps([alert({})], [checked([])], CONTEXT);
    assert.equal(dropped?.after, null);
    assert.equal(dropped?.notice, null);
    const firing = alert({ state: 'firing', firedAt: T0, notifiedAt: T0, notifiedGrade: 2 });
    const [resolved] = alertSteps([firing], [checked([])], { ...CONTEXT, now: T0 + 5000 });
    assert.equal(resolved?.after?.state, 'resolved');
    assert.equal(resolved?.after?.resolvedAt, T0 + 5000);
    assert.equal(resolved?.notice, 'resolved');
  });

  it('returns alerts the evaluation cannot judge untouched', () => {
    const firing = alert({ state: 'firing', key: 'pid=7', notifiedAt: T0, notifiedGrade: 2 });
    assert.deepEqual(alertSteps([firing], [checked([], () => false)], CONTEXT), []);
  });

  it('tells channels again when a firing alert gets worse, not when it gets better', () => {
    const warning = alert({
      state: 'firing',
      severity: 'warning',
      notifiedAt: T0,
      notifiedGrade: 1,
    });
    const [worse] = alertSteps([warning], [checked([{ severity: 'critical' }])], CONTEXT);
    assert.equal(worse?.notice, 'firing');
    const critical = alert({
      state: 'firing',
      severity: 'critical',
      notifiedAt: T0,
      notifiedGrade: 2,
    });
    const [better] = alertSteps([critical], [checked([{ severity: 'warning' }])], CONTEXT);
    assert.equal(better?.notice, null);
    assert.equal(better?.after?.severity, 'warning');
  });

  it('returns a reminder every repeat interval while the alert fires', () => {
    const firing = alert({ state: 'firing', notifiedAt: T0, notifiedGrade: 2 });
    const context = { ...CONTEXT, repeatMs: 4 * 3600_000 };
    assert.deepEqual(alertSteps([firing], [checked([{}])], { ...context, now: T0 + 3600_000 }), []);
    const [reminder] = alertSteps([firing], [checked([{}])], {
      ...context,
      now: T0 + 4 * 3600_000,
    });
    assert.equal(reminder?.notice, 'repeat');
    assert.equal(reminder?.after?.notifiedAt, T0 + 4 * 3600_000);
  });

  it('tells nothing while silenced, and fires once the silence is over', () => {
    const silenced = { ...CONTEXT, silenced: () => true };
    const [quiet] = alertSteps(
      [],
      [checked([{}], undefined, 'server_reachable', { ...POLICY, forS: 0 })],
      silenced,
    );
    assert.equal(quiet?.after?.state, 'firing');
    assert.equal(quiet?.notice, null);
    assert.equal(quiet?.after?.notifiedAt, null);
    const firing = alert({ state: 'firing', firedAt: T0 });
    const [told] = alertSteps([firing], [checked([{}])], CONTEXT);
    assert.equal(told?.notice, 'firing');
    const [resolvedQuietly] = alertSteps(
      [{ ...firing, notifiedAt: T0, notifiedGrade: 2 }],
      [checked([])],
      silenced,
    );
    assert.equal(resolvedQuietly?.after?.state, 'resolved');
    assert.equal(resolvedQuietly?.notice, null);
  });

  it('returns an unknown condition firing after unknown_for_s, and an alert about a level left as it is', () => {
    const unknown = {
      cause: 'unknown' as const,
      severity: 'warning' as const,
      message: 'Could not be read: x',
    };
    const [pending] = alertSteps([], [checked([unknown])], CONTEXT);
    assert.equal(pending?.after?.state, 'pending');
    const open = [alert({ cause: 'unknown', severity: 'warning', since: T0 })];
    const [fired] = alertSteps(open, [checked([unknown])], { ...CONTEXT, now: T0 + 900_000 });
    assert.equal(fired?.notice, 'firing');
    const level = alert({ state: 'firing', notifiedAt: T0, notifiedGrade: 2 });
    assert.deepEqual(alertSteps([level], [checked([unknown])], CONTEXT), []);
  });

  it('restarts a pending unknown alert that turns into a level, and tells of a firing one', () => {
    const pending = alert({ cause: 'unknown', severity: 'warning', since: T0 - 3600_000 });
    const [restarted] = alertSteps([pending], [checked([{}])], CONTEXT);
    assert.equal(restarted?.after?.since, T0);
    assert.equal(restarted?.after?.state, 'pending');
    const firing = alert({
      state: 'firing',
      cause: 'unknown',
      severity: 'warning',
      notifiedAt: T0,
      notifiedGrade: 0,
    });
    const [news] = alertSteps([firing], [checked([{ severity: 'warning' }])], CONTEXT);
    assert.equal(news?.notice, 'firing');
    assert.equal(news?.after?.cause, 'level');
  });

  it('returns only what changed', () => {
    const firing = alert({ state: 'firing', notifiedAt: T0, notifiedGrade: 2 });
    assert.deepEqual(alertSteps([firing], [checked([{}])], CONTEXT), []);
    const [changed] = alertSteps([firing], [checked([{ message: 'still down' }])], CONTEXT);
    assert.equal(changed?.after?.message, 'still down');
    assert.equal(changed?.notice, null);
  });

  it('returns the steps of each check for its own alerts only', () => {
    const other = alert({ check: 'disk_free', state: 'firing', notifiedAt: T0, notifiedGrade: 2 });
    assert.deepEqual(
      alertSteps([other], [checked([{}])], CONTEXT).map((s) => s.before?.check),
      [undefined],
    );
  });
});
