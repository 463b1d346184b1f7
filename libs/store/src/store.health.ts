import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { StoreService } from './store.service.js';

const STORE_PING_TIMEOUT_MS = 2000;

/** Terminus indicator: is the application's own database reachable right now? */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly store: StoreService,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'store'): PromiseLike<HealthIndicatorResult> {
    return this.health
      .check(key)
      .attempt(async () => {
        await this.store.ping();
        return { backend: this.store.dialect };
      })
      .withTimeout(STORE_PING_TIMEOUT_MS);
  }
}
