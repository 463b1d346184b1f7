/**
 * Cache key of a server's disk usage. The generation changes with every configuration change,
 * so a result read with an old host, user or key is never served for the new one.
 */
export function sshCacheKey(serverId: number, generation: number): string {
  return `ssh:disk:${wholeNumber(serverId, 'serverId')}:${wholeNumber(generation, 'generation')}`;
}

function wholeNumber(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
