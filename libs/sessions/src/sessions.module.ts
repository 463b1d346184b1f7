import { Module } from '@nestjs/common';
import { StoreModule } from '#store';
import { TargetQueryModule } from '#target-query';
import { SessionActionsService } from './actions/session-actions.service.js';
import { LocksService } from './locks/locks.service.js';

/** Live sessions beyond the activity list: the blocking tree, and safe cancel/terminate. */
@Module({
  imports: [StoreModule, TargetQueryModule],
  providers: [LocksService, SessionActionsService],
  exports: [LocksService, SessionActionsService],
})
export class SessionsModule {}
