import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALERTING, DEFAULT_UNKNOWN_FOR_S } from '../catalog.js';
import { levelPatches, parseSettings, policyOf } from './rule-settings.js';

describe(policyOf.name, () => {
  it('returns the defaults when nothing is stored', () => {
    assert.deepEqual(policyOf('server_reachable', undefined, undefined), {
      enabled: ALERTING.server_reachable.enabled,
      forS: ALERTING.server_reachable.for_s,
      unknownForS: DEFAULT_UNKNOWN_FOR_S,
    });
    assert.equal(policyOf('unused_indexes', undefined, undefined).enabled, false);
  });

  it('returns the rule’s settings, and the server’s enabled over the rule’s', () => {
    const rule = { enabled: false, for_s: 30, unknown_for_s: null };
    assert.deepEqual(policyOf('disk_free', rule, undefined), {
      enabled: false,
      forS: 30,
      unknownForS: null,
    });
    assert.equal(policyOf('disk_free', rule, { enabled: true }).enabled, true);
    assert.equal(policyOf('disk_free', { enabled: true }, { enabled: false }).enabled, false);
  });
});

describe(levelPatches.name, () => {
  it('returns the levels set, null (no level) kept apart from absent (inherit)', () => {
    assert.deepEqual(
      levelPatches({
        dead_tuples: { warning: 0.3 },
        disk_free: { critical: null },
        xid_wraparound: {},
      }),
      { dead_tuples: { warning: 0.3 }, disk_free: { critical: null } },
    );
  });
});

describe(parseSettings.name, () => {
  it('returns the known fields of the right type only', () => {
    assert.deepEqual(
      parseSettings(
        '{"enabled":true,"warning":null,"critical":"9","for_s":5,"unknown_for_s":null,"later":1}',
      ),
      { enabled: true, warning: null, for_s: 5, unknown_for_s: null },
    );
  });
});
