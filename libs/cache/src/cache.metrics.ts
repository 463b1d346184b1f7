import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

const CACHE_NAMES = ['status', 'ssh'] as const;

/** Which cache a hit or miss belongs to. */
export type CacheName = (typeof CACHE_NAMES)[number];

/** pgmon_cache_hits_total / pgmon_cache_misses_total, counted by whoever reads the cache. */
@Injectable()
export class CacheMetrics {
  private readonly hits: Counter<'cache'>;
  private readonly misses: Counter<'cache'>;

  constructor(registry: Registry) {
    const help = (what: string) =>
      `Cache ${what} by cache (status: server status entries, ssh: disk usage)`;
    this.hits = new Counter({
      name: 'pgmon_cache_hits_total',
      help: help('hits'),
      labelNames: ['cache'],
      registers: [registry],
    });
    this.misses = new Counter({
      name: 'pgmon_cache_misses_total',
      help: help('misses'),
      labelNames: ['cache'],
      registers: [registry],
    });
    // Every cache has its series from the start, zero until something is counted.
    for (const cache of CACHE_NAMES) {
      this.hits.inc({ cache }, 0);
      this.misses.inc({ cache }, 0);
    }
  }

  hit(cache: CacheName): void {
    this.hits.inc({ cache });
  }

  miss(cache: CacheName): void {
    this.misses.inc({ cache });
  }
}
