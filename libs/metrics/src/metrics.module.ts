import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Prefix of the process metrics (CPU, memory, event loop lag, ...). */
const PROCESS_PREFIX = 'pgmon_process_';

function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PROCESS_PREFIX });
  return registry;
}

/**
 * The Prometheus registry of this process, injected as `Registry`. Each library registers the
 * metrics of what it owns (pools, caches, collector, targets, HTTP) in providers of its own;
 * GET /metrics, in the API, renders the registry.
 */
@Global()
@Module({
  providers: [{ provide: Registry, useFactory: createRegistry }],
  exports: [Registry],
})
export class MetricsModule {}
