import type { Role } from '#auth';

/**
 * Cache keys. Each names everything the cached value depends on: the server's id and config
 * generation (a changed config never reads an old entry), or the caller's role (a view never
 * leaks to a role that should see less).
 */
export function serverStatusKey(serverId: number, generation: number): string {
  return `status:server:${serverId}:${generation}`;
}

export function serversListKey(role: Role): string {
  return `status:servers-list:${role}`;
}
