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
  private view: ReturnType<ApiHealthService['viewNow']>;
  private last: FastAnswer | undefined;

  constructor(
    private readonly lane: FastLane,
    private readonly health: ApiHealthService,
  ) {}

  onModuleInit(): void {
    this.lane.register(this);
  }

  answer(): FastAnswer | undefined {
    const now = this.health.viewNow();
    // The same view (one millisecond, one run) gives the same answer object: serialized once.
    if (now !== this.view) {
      this.view = now;
      this.last = now?.healthy ? { body: JSON.stringify(now.view) } : undefined;
    }
    return this.last;
  }
}
