import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OBJECTS, type CheckId, type CheckObject, type CheckResult } from '#checks';
import type { AlertPolicy } from '../rules/rule-settings.js';
import { conditionsOf, keyOf, type ServerContext } from './conditions.js';

const POLICY: AlertPolicy = { enabled: true, forS: 0, unknownForS: 900 };
const READABLE: ServerContext = { readable: true, applies: () => true };

function result(
  id: CheckId,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id,
    status,
    value: null,
    threshold: { warning: 0.5, critical: 0.75 },
    message: `${id} is ${status}`,
    hint: '',
    objects: [],
    ...extra,
  };
}

describe(conditionsOf.name, () => {
  it('returns no condition, and settles every alert, for a check at ok', () => {
    const checked = conditionsOf(result('disk_free', 'ok'), POLICY, READABLE);
    assert.deepEqual(checked.conditions, []);
    assert.equal(checked.settles('', 'level'), true);
    assert.equal(checked.settles('database=app', 'unknown'), true);
  });

  it('returns one condition for the check as a whole when the level applies to the server', () => {
    const checked = conditionsOf(
      result('server_reachable', 'critical', { message: 'PostgreSQL: connection refused' }),
      POLICY,
      READABLE,
    );
    assert.deepEqual(checked.conditions, [
      {
        key: '',
        cause: 'level',
        severity: 'critical',
        value: null,
        message: 'PostgreSQL: connection refused',
      },
    ]);
  });

  it('returns one condition per object at a level, judged by its own value', () => {
    const objects: CheckObject[] = [
      { database: 'a', xid_age: 1, value: 0.8 },
      { database: 'b', xid_age: 1, value: 0.6 },
      { database: 'c', xid_age: 1, value: 0.1 },
    ];
    const checked = conditionsOf(
      result('xid_wraparound', 'critical', { value: 0.8, objects }),
      POLICY,
      READABLE,
    );
    assert.deepEqual(
      checked.conditions.map((c) => [c.key, c.severity, c.value]),
      [
        ['database=a', 'critical', 0.8],
        ['database=b', 'warning', 0.6],
      ],
    );
    assert.match(checked.conditions[1]?.message ?? '', /^database=b: 0\.6 \(warning at 0\.5\)/);
    assert.equal(
      checked.settles('database=c', 'level'),
      true,
      'an object back under the levels resolves',
    );
    assert.equal(checked.settles('', 'unknown'), true);
  });

  it('judges objects by the check’s direction (lower is worse for cache_hit_ratio)', () => {
    const checked = conditionsOf(
      result('cache_hit_ratio', 'warning', {
        threshold: { warning: 0.99, critical: 0.95 },
        objects: [
          { database: 'a', value: 0.97 },
          { database: 'b', value: 0.995 },
        ],
      }),
      POLICY,
      READABLE,
    );
    assert.deepEqual(
      checked.conditions.map((c) => [c.key, c.severity]),
      [['database=a', 'warning']],
    );
  });

  it('leaves alerts of unlisted objects alone when the list is full and its last object is still bad', () => {
    const objects = Array.from({ length: MAX_OBJECTS }, (_, n) => ({ pid: n + 1, value: 120 }));
    const checked = conditionsOf(
      result('long_running_queries', 'warning', {
        threshold: { warning: 60, critical: 300 },
        objects,
      }),
      POLICY,
      READABLE,
    );
    assert.equal(checked.conditions.length, MAX_OBJECTS);
    assert.equal(checked.conditions[0]?.key, 'pid=1');
    assert.equal(checked.settles('pid=999', 'level'), false);
  });

  it('returns the check as a whole when no listed object reaches a level', () => {
    const checked = conditionsOf(
      result('dead_tuples', 'warning', { value: 0.3, threshold: { warning: 0.2, critical: 0.5 } }),
      POLICY,
      READABLE,
    );
    assert.deepEqual(
      checked.conditions.map((c) => [c.key, c.severity]),
      [['', 'warning']],
    );
  });

  it('returns an unknown condition (as warning) for an unknown check of a server that answers', () => {
    const checked = conditionsOf(
      result('sequence_exhaustion', 'unknown', { message: 'permission denied' }),
      POLICY,
      READABLE,
    );
    assert.deepEqual(checked.conditions, [
      {
        key: '',
        cause: 'unknown',
        severity: 'warning',
        value: null,
        message: 'Could not be read: permission denied',
      },
    ]);
    assert.equal(checked.settles('database=a', 'level'), false, 'what it said before still stands');
  });

  it('returns nothing, and settles nothing, for checks of a server that does not answer', () => {
    const checked = conditionsOf(result('dead_tuples', 'unknown'), POLICY, {
      readable: false,
      applies: () => true,
    });
    assert.deepEqual(checked.conditions, []);
    assert.equal(checked.settles('', 'level'), false);
    assert.equal(checked.settles('', 'unknown'), false);
  });

  it('settles only unknown alerts when unknown checks do not alert (unknown_for_s null)', () => {
    const checked = conditionsOf(
      result('dead_tuples', 'unknown'),
      { ...POLICY, unknownForS: null },
      READABLE,
    );
    assert.deepEqual(checked.conditions, []);
    assert.equal(checked.settles('', 'unknown'), true);
    assert.equal(checked.settles('', 'level'), false);
  });

  it('returns nothing and settles everything for a disabled rule or a check that cannot apply', () => {
    for (const checked of [
      conditionsOf(result('server_reachable', 'critical'), { ...POLICY, enabled: false }, READABLE),
      conditionsOf(result('disk_free', 'unknown'), POLICY, {
        readable: true,
        applies: (id) => id !== 'disk_free',
      }),
    ]) {
      assert.deepEqual(checked.conditions, []);
      assert.equal(checked.settles('', 'level'), true);
    }
  });
});

describe(keyOf.name, () => {
  it('returns the identifying fields that are set, in order', () => {
    const object = { database: 'app', schema: 'public', table: 'orders', value: 0.3 };
    assert.equal(
      keyOf(object, ['database', 'schema', 'table']),
      'database=app, schema=public, table=orders',
    );
    assert.equal(
      keyOf({ standby: null, client_addr: '10.0.0.2', value: 1 }, ['standby', 'client_addr']),
      'client_addr=10.0.0.2',
    );
    assert.equal(keyOf({ value: 1 }, ['pid']), '?');
  });

  it('returns at most 500 characters', () => {
    assert.equal(keyOf({ table: 'x'.repeat(600), value: 1 }, ['table']).length, 500);
  });
});
