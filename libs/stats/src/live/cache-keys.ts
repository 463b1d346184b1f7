/**
 * Cache keys. Each names everything the cached value depends on: the server's id and config
 * generation (a changed config never reads an old entry).
 */
export function serverStatusKey(serverId: number, generation: number): string {
  return `status:server:${serverId}:${generation}`;
}
