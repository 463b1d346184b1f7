const SSH_CACHE_PREFIX = 'ssh:disk:';

/**
 * The prefix of every cache key of one server: `forget(sshCacheKeyPrefix(id))` drops them all.
 * It ends with the separator so that server 1 never matches server 12.
 */
export function sshCacheKeyPrefix(serverId: number): string {
  return `${SSH_CACHE_PREFIX}${wholeNumber(serverId, 'serverId')}:`;
}

/**
 * Cache key of a server's disk usage. The generation changes with every configuration change,
 * so a result read with an old host, user or key is never served for the new one.
 */
export function sshCacheKey(serverId: number, generation: number): string {
  return `${sshCacheKeyPrefix(serverId)}${wholeNumber(generation, 'generation')}`;
}

function wholeNumber(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
