import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOG, CHECK_IDS } from './catalog.js';
import { grade, judge, worstOf } from './check-result.js';

describe(grade.name, () => {
  const levels = { warning: 10, critical: 20 };

  it('returns ok below the warning level, warning at it, critical at the critical level (above)', () => {
    assert.equal(grade(9.999, levels, 'above'), 'ok');
    assert.equal(grade(10, levels, 'above'), 'warning');
    assert.equal(grade(19.999, levels, 'above'), 'warning');
    assert.equal(grade(20, levels, 'above'), 'critical');
    assert.equal(grade(1e12, levels, 'above'), 'critical');
  });

  it('returns the mirror for checks where lower is worse (below)', () => {
    const below = { warning: 0.99, critical: 0.95 };
    assert.equal(grade(0.991, below, 'below'), 'ok');
    assert.equal(grade(0.99, below, 'below'), 'warning');
    assert.equal(grade(0.951, below, 'below'), 'warning');
    assert.equal(grade(0.95, below, 'below'), 'critical');
    assert.equal(grade(0, below, 'below'), 'critical');
  });

  it('returns no level a check does not have', () => {
    assert.equal(grade(1000, { warning: 1, critical: null }, 'above'), 'warning');
    assert.equal(grade(1000, { warning: null, critical: null }, 'above'), 'ok');
    assert.equal(grade(5, { warning: null, critical: 5 }, 'above'), 'critical');
  });
});

describe('the default thresholds of every check', () => {
  for (const id of CHECK_IDS) {
    const { defaults, direction } = CATALOG[id];
    const worse = direction === 'above' ? 1 : -1;
    const nudge = (level: number) => level - worse * Math.max(Math.abs(level) * 1e-6, 1e-9);
    it(`returns ${id} ok just short of warning (${defaults.warning}), warning at it, critical at ${defaults.critical}`, () => {
      if (defaults.warning !== null) {
        assert.equal(
          judge(id, { value: nudge(defaults.warning), message: '', objects: [] }, defaults).status,
          'ok',
        );
        assert.equal(
          judge(id, { value: defaults.warning, message: '', objects: [] }, defaults).status,
          'warning',
        );
      }
      if (defaults.critical !== null) {
        assert.equal(
          judge(id, { value: nudge(defaults.critical), message: '', objects: [] }, defaults).status,
          defaults.warning === null ? 'ok' : 'warning',
        );
        assert.equal(
          judge(id, { value: defaults.critical, message: '', objects: [] }, defaults).status,
          'critical',
        );
      }
    });
  }

  it('returns levels whose critical is beyond warning in the check’s direction', () => {
    for (const id of CHECK_IDS) {
      const { defaults, direction } = CATALOG[id];
      assert.ok(defaults.warning !== null || defaults.critical !== null, `${id} has a level`);
      if (defaults.warning === null || defaults.critical === null) continue;
      assert.ok(
        direction === 'above'
          ? defaults.critical > defaults.warning
          : defaults.critical < defaults.warning,
        id,
      );
    }
  });

  it('returns a hint and a description for every check', () => {
    for (const id of CHECK_IDS) {
      assert.ok(CATALOG[id].hint.length > 40, id);
      assert.ok(CATALOG[id].what.length > 10, id);
    }
  });
});

describe(judge.name, () => {
  const levels = { warning: 1, critical: 2 };

  it('returns unknown with the reason, no value and no objects for what could not be read', () => {
    const result = judge('sequence_exhaustion', { unknown: 'permission denied' }, levels);
    assert.deepEqual(result, {
      id: 'sequence_exhaustion',
      status: 'unknown',
      value: null,
      threshold: levels,
      message: 'permission denied',
      hint: CATALOG.sequence_exhaustion.hint,
      objects: [],
    });
  });

  it('returns the status a measurement sets, whatever its value', () => {
    const result = judge(
      'server_reachable',
      { value: null, status: 'critical', message: 'down', objects: [] },
      levels,
    );
    assert.equal(result.status, 'critical');
  });

  it('returns ok for a measurement without a value (too little to judge)', () => {
    assert.equal(
      judge('cache_hit_ratio', { value: null, message: '', objects: [] }, levels).status,
      'ok',
    );
  });

  it('returns the measurement’s own hint instead of the catalog’s', () => {
    const result = judge(
      'statements_available',
      { value: 0, message: '', objects: [], hint: 'do this' },
      { warning: 0, critical: null },
    );
    assert.equal(result.hint, 'do this');
    assert.equal(result.status, 'warning');
  });
});

describe(worstOf.name, () => {
  it('returns critical over warning over unknown over ok, and ok for none', () => {
    assert.equal(worstOf([]), 'ok');
    assert.equal(worstOf(['ok', 'unknown']), 'unknown');
    assert.equal(worstOf(['unknown', 'warning', 'ok']), 'warning');
    assert.equal(worstOf(['warning', 'critical', 'unknown']), 'critical');
  });
});
