import { Injectable, OnModuleInit } from '@nestjs/common';
import type { AuthUser } from '#auth';
import { ServerStatusService } from '#stats';
import { FastLane } from '../fast-lane/fast-lane.js';
import type { FastAnswer } from '../fast-lane/fast-route.js';
import { ServersListMemo } from './servers-list.memo.js';

/** GET /servers (and /api/servers) from the memoized list of the caller's role. */
@Injectable()
export class ServersFastRoute implements OnModuleInit {
  readonly paths = ['/servers', '/api/servers'];
  readonly metricsRoute = '/servers';
  readonly isPublic = false;

  constructor(
    private readonly lane: FastLane,
    private readonly memo: ServersListMemo,
    private readonly statuses: ServerStatusService,
  ) {}

  onModuleInit(): void {
    this.lane.register(this);
  }

  answer(user: AuthUser | undefined): FastAnswer | undefined {
    return user && this.memo.getRenewingAhead(user.role, () => this.read());
  }

  /** What the controller and its interceptor answer: the list, serialized. */
  private async read(): Promise<string> {
    return JSON.stringify(await this.statuses.listStatuses());
  }
}
