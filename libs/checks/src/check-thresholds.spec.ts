import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppConfig, parseCheckThresholds } from '#config';
import { CATALOG } from './catalog.js';
import { CheckThresholds } from './check-thresholds.js';

function thresholds(text: string): CheckThresholds {
  return new CheckThresholds({
    checks: { intervalSeconds: 60, thresholds: parseCheckThresholds(text) },
  } as AppConfig);
}

describe(CheckThresholds.name, () => {
  it('returns the documented defaults when nothing is configured', async () => {
    const table = await thresholds('').forServer({ id: 1, name: 'pg1' });
    assert.deepEqual(table.dead_tuples, CATALOG.dead_tuples.defaults);
    assert.deepEqual(table.xid_wraparound, { warning: 0.5, critical: 0.75 });
  });

  it('returns CHECK_THRESHOLDS levels on every server, and a server’s own items on that server', async () => {
    const source = thresholds(
      'long_running_queries=120:600,pg2/long_running_queries=5:,pg2/dead_tuples=0.3:0.4',
    );
    const pg1 = await source.forServer({ id: 1, name: 'pg1' });
    const pg2 = await source.forServer({ id: 2, name: 'pg2' });
    assert.deepEqual(pg1.long_running_queries, { warning: 120, critical: 600 });
    assert.deepEqual(pg1.dead_tuples, CATALOG.dead_tuples.defaults);
    assert.deepEqual(pg2.long_running_queries, { warning: 5, critical: null });
    assert.deepEqual(pg2.dead_tuples, { warning: 0.3, critical: 0.4 });
    assert.deepEqual(pg2.xid_wraparound, CATALOG.xid_wraparound.defaults);
  });

  it('returns stored levels layered: defaults, env, rule for all, env for the server, rule for the server', async () => {
    const source = thresholds('long_running_queries=120:600,pg2/long_running_queries=900:3600');
    source.useStoredLevels({
      levelsFor: (server) =>
        Promise.resolve({
          everywhere: { long_running_queries: { warning: 30 }, dead_tuples: { critical: null } },
          own: server.id === 2 ? { long_running_queries: { critical: 7200 } } : {},
        }),
    });
    const pg1 = await source.forServer({ id: 1, name: 'pg1' });
    const pg2 = await source.forServer({ id: 2, name: 'pg2' });
    assert.deepEqual(pg1.long_running_queries, { warning: 30, critical: 600 });
    assert.deepEqual(pg1.dead_tuples, {
      warning: CATALOG.dead_tuples.defaults.warning,
      critical: null,
    });
    assert.deepEqual(pg2.long_running_queries, { warning: 900, critical: 7200 });
  });

  it('throws naming CHECK_THRESHOLDS for a check that does not exist', () => {
    assert.throws(
      () => thresholds('long_queries=1:2'),
      /^Error: CHECK_THRESHOLDS: unknown check "long_queries"/,
    );
  });
});
