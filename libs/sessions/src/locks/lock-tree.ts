/** One session that blocks others or waits on one, as the locks query reads it. */
export interface LockSession {
  pid: number;
  backend_start: string | null;
  usename: string | null;
  datname: string | null;
  application_name: string | null;
  state: string | null;
  query: string | null;
  xact_start: string | null;
  /** pg_blocking_pids(): who this session waits for (empty when it waits on no one). */
  blocked_by: number[];
  waiting_ms: number | null;
  lock: { mode: string; locktype: string; relation: string | null } | null;
}

export interface LockNode extends LockSession {
  /** True for the sessions of a wait cycle (a deadlock the server has not broken yet). */
  cycle: boolean;
  /** The sessions that wait on this one (each session appears once in the tree). */
  blocked: LockNode[];
}

export interface LockTree {
  tree: LockNode[];
  /** Sessions waiting on another. */
  blockedSessions: number;
  /** Roots that block at least one session. */
  rootBlockers: number;
}

/**
 * Builds the blocking tree: roots are sessions that wait on no one (visible), then the roots
 * of wait cycles. A session blocked by several appears once, under the blocker closest to a
 * root (pg_blocking_pids also names sessions merely ahead in a lock queue, so placing it under
 * each would repeat whole subtrees); `blocked_by` keeps the full list.
 */
export function buildLockTree(sessions: LockSession[]): LockTree {
  const nodes = new Map<number, LockNode>();
  for (const session of sessions) nodes.set(session.pid, { ...session, cycle: false, blocked: [] });
  const blockersOf = (node: LockNode): number[] =>
    node.blocked_by.filter((pid) => pid !== node.pid && nodes.has(pid));
  const waitersOf = new Map<number, LockNode[]>();
  for (const node of nodes.values()) {
    for (const blocker of blockersOf(node)) {
      waitersOf.set(blocker, [...(waitersOf.get(blocker) ?? []), node]);
    }
  }
  const placed = new Set<number>();
  const roots = [...nodes.values()].filter((node) => blockersOf(node).length === 0);
  attach(roots, waitersOf, placed);
  for (;;) {
    const left = [...nodes.values()].filter((node) => !placed.has(node.pid));
    if (left.length === 0) break;
    const root = markCycle(left, blockersOf, nodes);
    roots.push(root);
    attach([root], waitersOf, placed);
  }
  const tree = roots.filter((root) => root.blocked.length > 0 || root.blocked_by.length > 0);
  sortTree(tree);
  return {
    tree,
    blockedSessions: sessions.filter((session) => session.blocked_by.length > 0).length,
    rootBlockers: tree.filter((root) => root.blocked.length > 0).length,
  };
}

/** Breadth first from `roots`: each unplaced waiter goes under the first blocker reached. */
function attach(roots: LockNode[], waitersOf: Map<number, LockNode[]>, placed: Set<number>): void {
  const queue = [...roots];
  for (const root of roots) placed.add(root.pid);
  for (let node = queue.shift(); node; node = queue.shift()) {
    for (const waiter of waitersOf.get(node.pid) ?? []) {
      if (placed.has(waiter.pid)) continue;
      placed.add(waiter.pid);
      node.blocked.push(waiter);
      queue.push(waiter);
    }
  }
}

/**
 * Every unplaced session waits only on unplaced ones, so following blockers from any of them
 * ends in a cycle: its members are marked, and its lowest pid becomes a root.
 */
function markCycle(
  left: LockNode[],
  blockersOf: (node: LockNode) => number[],
  nodes: Map<number, LockNode>,
): LockNode {
  const path: LockNode[] = [];
  let current = left.reduce((lowest, node) => (node.pid < lowest.pid ? node : lowest));
  while (!path.includes(current)) {
    path.push(current);
    const next = nodes.get(Math.min(...blockersOf(current)));
    if (!next) break;
    current = next;
  }
  const members = path.slice(path.indexOf(current));
  for (const member of members) member.cycle = true;
  return members.reduce((lowest, node) => (node.pid < lowest.pid ? node : lowest));
}

/** Roots blocking the most first; waiters longest waiting first. */
function sortTree(roots: LockNode[]): void {
  const sizes = new Map<LockNode, number>();
  const size = (node: LockNode): number => {
    let total = sizes.get(node);
    if (total === undefined) {
      total = node.blocked.reduce((sum, child) => sum + 1 + size(child), 0);
      sizes.set(node, total);
    }
    return total;
  };
  roots.sort((a, b) => size(b) - size(a) || a.pid - b.pid);
  const byWait = (a: LockNode, b: LockNode): number =>
    (b.waiting_ms ?? 0) - (a.waiting_ms ?? 0) || a.pid - b.pid;
  const stack = [...roots];
  for (let node = stack.pop(); node; node = stack.pop()) {
    node.blocked.sort(byWait);
    stack.push(...node.blocked);
  }
}
