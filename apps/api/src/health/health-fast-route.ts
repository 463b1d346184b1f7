import { Injectable, OnModuleInit } from '@nestjs/common';
import { FastLane } from '../fast-lane/fast-lane.js';
import type { FastAnswer } from '../fast-lane/fast-route.js';
import { ApiHealthService } from './api-health.service.js';

/** GET /api/health while the last run of the checks is fresh and healthy. */
@Injectable()
export class HealthFastRoute implements OnModuleInit {
  readonly paths = ['/api/health'];
  readonly metricsRoute = '/api/health';
  readonly isPublic = true;
  /** The answer of one millisecond (the timestamp's precision): serialized once. */
  private latest: { at: number; answer: FastAnswer | undefined } | undefined;

  constructor(
    private readonly lane: FastLane,
    private readonly health: ApiHealthService,
  ) {}

  onModuleInit(): void {
    this.lane.register(this);
  }

  answer(): FastAnswer | undefined {
    const now = Date.now();
    if (this.latest?.at !== now) {
      const current = this.health.viewNow(now);
      const answer = current?.healthy ? { body: JSON.stringify(current.view) } : undefined;
      this.latest = { at: now, answer };
    }
    return this.latest.answer;
  }
}
