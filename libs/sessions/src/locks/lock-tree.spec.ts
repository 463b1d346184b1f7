import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildLockTree, type LockNode, type LockSession } from './lock-tree.js';

function session(
  pid: number,
  blockedBy: number[] = [],
  waitingMs: number | null = null,
): LockSession {
  return {
    pid,
    backend_start: '2025-06-03T10:00:00.123456Z',
    usename: 'app',
    datname: 'appdb',
    application_name: 'psql',
    state: blockedBy.length > 0 ? 'active' : 'idle in transaction',
    query: 'update t set v = v + 1 where id = 1',
    xact_start: '2025-06-03T10:00:01.000001Z',
    blocked_by: blockedBy,
    waiting_ms: blockedBy.length > 0 ? (waitingMs ?? 1000) : null,
    lock:
      blockedBy.length > 0
        ? { mode: 'ShareLock', locktype: 'transactionid', relation: null }
        : null,
  };
}

/** The tree as nested [pid, children] pairs, with * after a pid in a cycle. */
function shape(nodes: LockNode[]): unknown[] {
  return nodes.map((node) => [`${node.pid}${node.cycle ? '*' : ''}`, shape(node.blocked)]);
}

describe(buildLockTree.name, () => {
  it('returns an empty tree when no session waits', () => {
    assert.deepEqual(buildLockTree([]), { tree: [], blockedSessions: 0, rootBlockers: 0 });
  });

  it('returns a chain as one branch: root, its waiter, the waiter on the waiter', () => {
    const result = buildLockTree([session(3, [2]), session(1), session(2, [1])]);
    assert.deepEqual(shape(result.tree), [['1', [['2', [['3', []]]]]]]);
    assert.equal(result.blockedSessions, 2);
    assert.equal(result.rootBlockers, 1);
  });

  it('returns every field of a root on every node, and no lock or wait on a root', () => {
    const [root] = buildLockTree([session(1), session(2, [1])]).tree;
    assert.ok(root);
    assert.equal(root.waiting_ms, null);
    assert.equal(root.lock, null);
    const [waiter] = root.blocked;
    assert.deepEqual(Object.keys(waiter ?? {}).sort(), Object.keys(root).sort());
    assert.deepEqual(waiter?.lock, {
      mode: 'ShareLock',
      locktype: 'transactionid',
      relation: null,
    });
  });

  it('places a session queued behind several once, under the blocker closest to a root', () => {
    // 2, 3, 4 queue for a lock 1 holds: each is also blocked by those ahead of it.
    const result = buildLockTree([
      session(1),
      session(2, [1]),
      session(3, [1, 2]),
      session(4, [3, 2, 1]),
    ]);
    assert.deepEqual(shape(result.tree), [
      [
        '1',
        [
          ['2', []],
          ['3', []],
          ['4', []],
        ],
      ],
    ]);
    assert.deepEqual(result.tree[0]?.blocked.find((n) => n.pid === 4)?.blocked_by, [3, 2, 1]);
    assert.equal(result.blockedSessions, 3);
  });

  it('returns roots blocking the most first, waiters longest waiting first', () => {
    const result = buildLockTree([
      session(10),
      session(11, [10]),
      session(20),
      session(21, [20], 500),
      session(22, [20], 9000),
    ]);
    assert.deepEqual(shape(result.tree), [
      [
        '20',
        [
          ['22', []],
          ['21', []],
        ],
      ],
      ['10', [['11', []]]],
    ]);
    assert.equal(result.rootBlockers, 2);
  });

  it('returns a wait cycle under its lowest pid, its members marked, with what waits on it', () => {
    const result = buildLockTree([
      session(7, [5]),
      session(5, [6]),
      session(6, [5]),
      session(8, [7]),
    ]);
    assert.deepEqual(shape(result.tree), [
      [
        '5*',
        [
          ['6*', []],
          ['7', [['8', []]]],
        ],
      ],
    ]);
    assert.equal(result.blockedSessions, 4);
    assert.equal(result.rootBlockers, 1);
  });

  it('returns a session waiting on one it cannot see (a prepared transaction) as a root', () => {
    const result = buildLockTree([session(4, [0]), session(5, [4])]);
    assert.deepEqual(shape(result.tree), [['4', [['5', []]]]]);
    assert.equal(result.tree[0]?.waiting_ms, 1000);
    assert.equal(result.blockedSessions, 2);
  });

  it('returns a long chain without repeating a session', () => {
    const chain = [session(1), ...Array.from({ length: 199 }, (_, i) => session(i + 2, [i + 1]))];
    const result = buildLockTree(chain);
    let depth = 0;
    for (let node = result.tree[0]; node; node = node.blocked[0]) depth += 1;
    assert.equal(depth, 200);
    assert.equal(result.blockedSessions, 199);
  });
});
